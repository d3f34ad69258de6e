"""Text shared by several pages (English): the image picker, Stop, the internal-error message.
A page's own strings win."""

EN = {
    "source": "Image",
    "src_dataset": "Dataset test image",
    "src_sample": "Sample image",
    "src_upload": "Upload",
    "sample": "Sample",
    "index": "Test image index",
    "upload_image": "PNG, JPEG, WebP, BMP or GIF (first frame)",
    "bad_image": "This image cannot be used: {error}",
    "no_image": "Upload an image, or pick a sample or dataset image.",
    "stop": "Stop",
    "stopped": "Stopped before the end; nothing was kept. Press the button to run it again.",
    "internal_error": "Internal error ({kind}): this is a bug in CNN Lab, not a problem with your "
                      "input. The details are in the server log.",
}
