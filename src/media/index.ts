export {
  DEFAULT_PHOTO_LIMITS,
  PhotoError,
  isPhotoError,
  resolvePhotoLimits,
  type NormalizedPhoto,
  type PhotoErrorCode,
  type PhotoLimits,
  type PhotoMimeType,
  type PhotoSource,
  type StoredPhoto,
} from './photoTypes.js';
export { downloadCapped, type DownloadOptions } from './downloadCapped.js';
export { decodeDataUrl } from './decodeDataUrl.js';
export { sniffImageFormat, type SniffedImageFormat } from './sniffImageFormat.js';
export { normalizePhoto } from './normalizePhoto.js';
export { makeThumbnail, type Thumbnail } from './thumbnail.js';
export { PhotoStore } from './photoStore.js';
export { PhotoPipeline, DEFAULT_FETCH_TIMEOUT_MS, type PhotoPipelineOptions } from './photoPipeline.js';
export { benchmarkNormalize, makeBenchmarkJpeg } from './benchmarkNormalize.js';
export { addressRange, isPublicAddress } from './urlPolicy.js';
export { exactOrigin } from '../core/origin.js';
