// Like the CIFAR-10 readers, the image-folder readers know how much they may read before they
// read it: these bound the memory and time a hostile folder or archive can take.

/** The largest image file read (a 25-megapixel PNG of 16-bit RGBA is 200 MB). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

/**
 * The most pixels an image may have, read from its header before decoding: a 24-megapixel
 * camera photo fits; a 20000×20000 PNG of 1 MB (which decodes to 1.6 GB) does not.
 */
export const DEFAULT_MAX_PIXELS = 25_000_000;

/** Files in one folder or archive. */
export const MAX_FOLDER_FILES = 1_000_000;

/**
 * Bytes of all decoded images together (the data set stays in memory; about twice this is
 * used while it is assembled): 1 GiB is 349,525 images of 32×32 or 7,132 of 224×224.
 */
export const MAX_DECODED_BYTES = 1024 * 1024 * 1024;

/** What an archive of an image folder may unpack to (its tar stream, or its zip entries). */
export const MAX_ARCHIVE_UNPACKED_BYTES = 16 * 1024 * 1024 * 1024;

/** Labels are bytes (`ImageDataset.labels`). */
export const MAX_CLASSES = 256;
