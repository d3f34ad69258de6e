"""Messages for bad input, by the key core gives its errors (``core.checks.Keyed``).

A template is filled with the error's values (numbers in the language's way, parameter names
through ``NAMES``). Core's English sentence (``str(err)``) is what the library and the server
log say; these are what the dashboard shows. ``tests/core/test_error_keys.py`` checks that
every key core raises has a template here, and that each template's placeholders are among the
values that site gives.
"""

EN = {
    # core.checks
    "int": "{name} must be a whole number (got {value}).",
    "int_between": "{name} must be a whole number from {low} to {high} (got {value}).",
    "int_min": "{name} must be a whole number of at least {low} (got {value}).",
    "int_max": "{name} must be a whole number of at most {high} (got {value}).",
    "number": "{name} must be a finite number (got {value}).",
    "number_between": "{name} must be a number from {low} to {high} (got {value}).",
    "number_between_open": "{name} must be a number above {low} and at most {high} "
                           "(got {value}).",
    "number_min": "{name} must be a number of at least {low} (got {value}).",
    "number_above": "{name} must be a number above {low} (got {value}).",
    "number_max": "{name} must be a number of at most {high} (got {value}).",
    "bool": "{name} must be on or off (got {value}).",
    "choice": "{name} must be one of {choices} (got {value}).",
    "pair": "{name} must be a whole number or a pair of whole numbers (height, width) "
            "(got {value}).",
    "pair_min": "{name} must be at least {low} in both directions (got {value}).",
    "batch": "The input must be a batch of float images (B, C, H, W) (got {value}).",
    "one_image": "The input must hold exactly one image (1, C, H, W) (got {value}).",
    "input_shape": "The input shape must be (channels, height, width), all positive whole "
                   "numbers (got {value}).",
    # core.teach.pooling
    "matrix_shape_range": "The matrix must have 1 to {high} rows and 1 to {high} columns "
                          "(got {value}).",
    "pool_op_unknown": "Unknown pooling operation {value}; choose one of {choices}.",
    "pool_output_size_range": "The output size must be 1 to {high} on each side (got {value}).",
    "pool_padding_over_half_height": "The padding can be at most half the kernel size: in "
                                     "height the padding is {padding}, more than "
                                     "⌊{kernel}/2⌋ = {limit}.",
    "pool_padding_over_half_width": "The padding can be at most half the kernel size: in "
                                    "width the padding is {padding}, more than "
                                    "⌊{kernel}/2⌋ = {limit}.",
    "pool_padding_over_half_dilated_height": "The padding can be at most half the kernel size: "
                                             "in height the padding is {padding}, more than "
                                             "⌊{kernel}/2⌋ = {limit}. A dilation of "
                                             "{dilation} does not raise this limit.",
    "pool_padding_over_half_dilated_width": "The padding can be at most half the kernel size: "
                                            "in width the padding is {padding}, more than "
                                            "⌊{kernel}/2⌋ = {limit}. A dilation of "
                                            "{dilation} does not raise this limit.",
    "pool_no_window_height": "No window fits, so the output would be empty: in height the "
                             "kernel (effective size {kernel}) is larger than the padded input "
                             "({size} + 2·{padding} = {padded}).",
    "pool_no_window_width": "No window fits, so the output would be empty: in width the "
                            "kernel (effective size {kernel}) is larger than the padded input "
                            "({size} + 2·{padding} = {padded}).",
    "pool_no_window_ceil_height": "No window fits, even with ceil_mode: in height the kernel "
                                  "(effective size {kernel}) overruns the padded input "
                                  "({size} + 2·{padding} = {padded}) by a stride ({stride}) "
                                  "or more.",
    "pool_no_window_ceil_width": "No window fits, even with ceil_mode: in width the kernel "
                                 "(effective size {kernel}) overruns the padded input "
                                 "({size} + 2·{padding} = {padded}) by a stride ({stride}) "
                                 "or more.",
    "pool_routing_not_max": "Gradient routing is only for max pooling, not {value}.",
    "pool_upstream_shape": "The upstream gradient must hold finite numbers in the output's "
                           "shape {shape} (got shape {value}).",
    # core.teach.matrices
    "matrix_text_too_long": "The text is too long: {value} characters, at most {high}.",
    "matrix_empty": "The matrix is empty: type at least one number.",
    "matrix_list_stray": "The list syntax could not be read ({value} is outside a row's "
                         "brackets); write it like [[1, 2], [3, 4]].",
    "matrix_list_no_rows": "The list syntax could not be read (no rows found); write it like "
                           "[[1, 2], [3, 4]].",
    "matrix_row_empty": "Row {row} is empty.",
    "matrix_ragged": "The rows differ in length: row {row} has {count} values, row 1 has "
                     "{first}. Every row needs the same number of values.",
    "matrix_cell_empty": "Row {row}, column {column} is empty.",
    "matrix_cell_bool": "Row {row}, column {column} is a true/false value ({value}); enter a "
                        "number.",
    "matrix_cell_not_number": "Row {row}, column {column}: {value} is not a number.",
    "matrix_cell_not_finite": "Row {row}, column {column} is {value}: only finite numbers work "
                              "(an emptied grid cell reads as nan).",
    "matrix_not_2d": "The matrix must be 2-D (rows × columns), but it has {ndim} dimensions.",
    "random_range_order": "The range needs finite numbers with low ≤ high (got low = {low}, "
                          "high = {high}).",
    "random_range_no_integer": "No whole number lies in [{low}, {high}].",
    # core.teach.explainers
    "logits_shape": "The logits must be a non-empty list of numbers (got shape {value}).",
    "logits_not_finite": "The logits must be finite numbers (got {value}).",
    "dropout_p_range": "The dropout probability must be at least 0 and below 1 (got {value}).",
    # core.teach.filters
    "kernel_is_text": "A kernel must be rows of numbers, not text.",
    "kernel_too_many_rows": "The kernel has {rows} rows; a kernel must be square with an odd "
                            "size from 1 to {high} (e.g. 3×3 or 5×5) so that it has a centre "
                            "cell.",
    "kernel_shape_rule": "The kernel is {value}; a kernel must be square with an odd size from "
                         "1 to {high} (e.g. 3×3 or 5×5) so that it has a centre cell.",
    "image_not_real": "The image must hold real numbers (got the data type {value}).",
    "image_not_finite": "The image must hold finite numbers (got {value} at index {index}).",
    "image_side_range": "The image is {value}; its height and width must be 1 to {high} "
                        "pixels (resize it first).",
    "float_image_shape": "The image must be (H, W) gray or (H, W, 3) RGB with the channels "
                         "last (got shape {value}).",
    "image_range": "Image values must lie between 0 and 1 (they range from {lowest} to "
                   "{highest}).",
    "image_range_8bit": "Image values must lie between 0 and 1 (they range from {lowest} to "
                        "{highest}); for an 8-bit image, divide it by 255 first.",
    "image_stack_shape": "The image must be (C, H, W) with at least one channel (got shape "
                         "{value}).",
    "kernels_shape": "The kernels must be (F, k, k), or one kernel (k, k) (got shape {value}).",
    "kernels_type": "The kernels must be an array or a list of kernels (got {value}).",
    "kernels_count": "Choose 1 to {high} kernels (got {value}).",
    "kernels_size_mismatch": "All kernels must have the same size so that their feature maps "
                             "share one shape: {first} is {first_size} but {other} is "
                             "{other_size}.",
    "conv_kernel_too_big": "The {kernel}×{kernel} kernel does not fit: the input size {size} "
                           "plus twice the padding {padding} is {padded}, smaller than the "
                           "kernel.",
    "conv_kernel_too_big_height": "The {kernel}×{kernel} kernel does not fit the padded image: "
                                  "in height {size} + 2·{padding} = {padded} < {kernel}. Add "
                                  "padding or use a smaller kernel.",
    "conv_kernel_too_big_width": "The {kernel}×{kernel} kernel does not fit the padded image: "
                                 "in width {size} + 2·{padding} = {padded} < {kernel}. Add "
                                 "padding or use a smaller kernel.",
    "kernel_names_not_strings": "The kernel names must be a list of texts (got {value}).",
    "kernel_names_count": "Each kernel needs one name: there are {kernels} kernels and "
                          "{names} names.",
    "conv_map_too_small_for_pool": "After the convolution the feature map is {value}, too "
                                   "small for 2×2 max pooling (it needs at least 2×2). Use a "
                                   "smaller stride, more padding or a bigger image.",
    # core.train
    "number_below_one": "{name} must be a number of at least 0 and below 1 (got {value}).",
    "nesterov_needs_momentum": "Nesterov momentum needs a momentum above 0.",
    "images_not_square": "The images must be square (got {value}).",
    "init_layer_unsupported": "This architecture has a layer that cannot be initialised from "
                              "the seed: {layer} ({kind}).",
    "train_config_type": "The training settings must be a TrainConfig (got {value}).",
    "model_type": "The model must be a torch.nn.Module (got {value}).",
    "training_set_empty": "The training set is empty: it needs at least one image.",
    "training_diverged_loss": "Training diverged at epoch {epoch}, step {step}: the loss became "
                              "{loss} (learning rate {lr}). The model keeps its weights from "
                              "before that step; lower the learning rate.",
    "training_diverged_weights": "Training diverged at epoch {epoch}, step {step}: its update "
                                 "made the weights non-finite (learning rate {lr}). The model "
                                 "keeps its weights from before that step; lower the learning "
                                 "rate.",
    "model_device_mismatch": "The model is on {model_device} but the device chosen is "
                             "{device}; move your own copy of the model first.",
    "eval_dataset_empty": "The dataset is empty: evaluation needs at least one image.",
    "logits_classes_mismatch": "The model gives logits of shape {value}, but the dataset has "
                               "{classes} classes: expected (B, {classes}).",
    "class_index_range": "{name} must be a class index from 0 to {high} (got {value}).",
    # core.train.playground
    "grid_points_range": "The grid needs {low} to {high} points per axis (got {value}).",
    "start_not_pair": "The starting point must be a pair (x, y) of finite numbers (got "
                      "{value}).",
    "start_out_of_range": "The starting point must lie within x from {x_low} to {x_high} and "
                          "y from {y_low} to {y_high} (got {value}).",
    "loss_not_finite_at_start": "The loss is not finite at the starting point {value}; choose "
                                "another start.",
    # core.data.images
    "image_file_empty": "The file is empty. Upload a PNG, JPEG, WebP, BMP or GIF image.",
    "image_file_too_large": "The file is {size_mb} MB; the limit is {limit_mb} MB. Upload a "
                            "smaller image.",
    "image_not_recognised": "This file is not a recognised image. Accepted formats: PNG, JPEG, "
                            "WebP, BMP or GIF.",
    "image_header_damaged": "The image header is damaged ({reason}). Accepted formats: PNG, "
                            "JPEG, WebP, BMP or GIF.",
    "image_size_invalid": "The image claims a size of {width}×{height} pixels, which is "
                          "invalid.",
    "image_too_many_pixels": "The image is too large ({width}×{height} pixels, {megapixels} "
                             "megapixels). Use at most {limit} megapixels.",
    "image_too_many_pixels_no_limit": "The image is too large ({width}×{height} pixels). Use a "
                                      "smaller image.",
    "image_pixel_limit": "The image is too large. Use at most {limit} megapixels.",
    "image_too_large": "The image is too large. Use a smaller image.",
    "image_truncated_format": "The {format} file is truncated or corrupt ({reason}). Re-save "
                              "it as PNG, JPEG, WebP, BMP or GIF and try again.",
    "image_truncated": "The image file is truncated or corrupt ({reason}). Re-save it as PNG, "
                       "JPEG, WebP, BMP or GIF and try again.",
    "image_mode_unsupported": "Images with colour mode {mode} are not supported. Use an RGB or "
                              "grayscale image.",
    "image_nan_values": "The image contains NaN or infinite values. Use an 8- or 16-bit image.",
    "channels_one_or_three": "The number of channels must be 1 or 3 (got {value}).",
    "resize_size_pair": "The size must be a (height, width) pair of whole numbers (got "
                        "{value}).",
    "resize_size_range": "The height and width must be 1 to {high} pixels (got {value}).",
    "uint8_image_tensor": "Expected a (1 or 3, H, W) uint8 image tensor (got {value} "
                          "{dtype}).",
    # core.data.archives
    "zip_dest_not_empty_dir": "The destination must be an existing, empty folder (got "
                              "{value}).",
    "zip_file_empty": "The file is empty. Upload a .zip with one folder of images per class.",
    "zip_file_too_large": "The zip is {size_mb} MB; the limit is {limit_mb} MB. Use fewer or "
                          "smaller images.",
    "zip_invalid": "This file is not a valid zip archive ({reason}). Upload a .zip with one "
                   "folder of images per class.",
    "zip_empty": "The zip is empty. Put one folder of images per class in it.",
    "zip_duplicate_entry": "The zip lists {entry} twice; re-create the zip.",
    "zip_no_files": "The zip holds no files (only folders or macOS/Windows metadata). Put one "
                    "folder of images per class in it.",
    "zip_absolute_path": "The zip holds an absolute path ({entry}), which could write outside "
                         "its folder. Re-create the zip from the folder itself.",
    "zip_parent_path": "The zip holds a path with '..' ({entry}), which could write outside "
                       "its folder. Re-create the zip from the folder itself.",
    "zip_nul_name": "The zip holds a file name with a NUL character ({entry}).",
    "zip_symlink": "The zip holds a symbolic link ({entry}); links are not accepted. Zip the "
                   "image files themselves.",
    "zip_not_regular_file": "The zip holds {entry}, which is not a regular file.",
    "zip_encrypted": "The zip is password-protected ({entry} is encrypted). Create it without "
                     "a password.",
    "zip_compression_unsupported": "{entry} uses an unsupported compression method ({method}). "
                                   "Re-create the zip with ordinary (deflate) compression.",
    "zip_path_outside": "The zip path {entry} leads outside its folder.",
    "zip_cannot_create_folder": "The folder {entry} from the zip cannot be created ({reason}).",
    "zip_member_size_mismatch": "{entry} in the zip is corrupt (its header says {declared} "
                                "bytes, it holds {written}). Re-create the zip.",
    "zip_member_overflow": "{entry} in the zip holds more data than its header says "
                           "({declared} bytes); the zip is corrupt or malicious.",
    "zip_extract_over_limit": "The zip extracts to more bytes than its headers declare, over "
                              "the uncompressed limit; the zip is corrupt or malicious.",
    "zip_cannot_extract": "{entry} cannot be extracted ({reason}).",
    "zip_member_corrupt": "{entry} in the zip is corrupt ({reason}). Re-create the zip.",
    "zip_too_many_entries": "The zip has {count} entries; the limit is {limit}. Use fewer "
                            "images per upload.",
    "zip_too_many_entries_over": "The zip has more than {limit} entries, the limit. Use fewer "
                                 "images per upload.",
    "zip_too_big_uncompressed": "The zip would extract to {size_mb} MB; the limit is "
                                "{limit_mb} MB uncompressed. Use fewer or smaller images.",
    # core.data.datasets
    "number_between_exclusive": "{name} must be a number between {low} and {high}, both "
                                "excluded (got {value}).",
    "dataset_images_tensor": "The images must be an (N, C, H, W) uint8 tensor (got {value} "
                             "{dtype}).",
    "dataset_labels_tensor": "The labels must be an (N,) int64 tensor with N = {count} (got "
                             "{value} {dtype}).",
    "dataset_mean_std_channels": "The mean and standard deviation need one value per channel "
                                 "({channels}) (got {mean} and {std}).",
    "dataset_std_positive": "Every standard deviation must be above 0 (got {value}).",
    "dataset_labels_range": "The labels must lie from 0 to {high}.",
    "normalize_not_uint8": "Normalising expects a uint8 tensor (got {value}).",
    "normalize_shape": "Normalising expects (N, {channels}, H, W) or ({channels}, H, W) (got "
                       "{value}).",
    "channels_auto_one_or_three": "The number of channels must be automatic, 1 or 3 (got "
                                  "{value}).",
    "folder_too_much_memory": "{count} images at {size}×{size} need {needed_gb} GB of memory; "
                              "the limit is {limit_gb} GB. Use fewer images or a smaller image "
                              "size.",
    "folder_not_a_directory": "{path} is not a folder; choose a folder with one sub-folder per "
                              "class.",
    "folder_unreadable": "The folder {path} cannot be read ({reason}).",
    "folder_too_few_classes": "{path} has {count} class folder(s); at least 2 are needed (one "
                              "sub-folder of images per class).",
    "folder_too_many_images": "{path} has more than {limit} images, the limit.",
    "folder_class_no_images": "The class folder {folder} has no image files ({extensions}).",
    "folder_no_test_split": "Every class has a single image, so no test split is possible; add "
                            "images.",
    "folder_file_too_large": "The file is larger than {limit_mb} MB.",
    "folder_class_no_usable_image": "The class folder {folder} has no usable image "
                                    "({reasons}).",
    "dataset_download_failed_files": "{dataset} could not be downloaded (no network?). To use "
                                     "it offline, download {files} from {source_url} and put "
                                     "them (as downloaded, or unzipped without .gz) in "
                                     "{directory}, then load it again. Details: {reason}",
    "dataset_not_on_disk_files": "{dataset} could not be read from disk (missing or damaged "
                                 "files; downloading is off). Download {files} from "
                                 "{source_url} and put them (as downloaded, or unzipped "
                                 "without .gz) in {directory}, then load it again. Details: "
                                 "{reason}",
    "dataset_download_failed_archive": "{dataset} could not be downloaded (no network?). To "
                                       "use it offline, download {files} from {source_url} and "
                                       "put it in {directory} (it is extracted "
                                       "automatically), or put its extracted folder {folder} "
                                       "({members}) there, then load it again. Details: "
                                       "{reason}",
    "dataset_not_on_disk_archive": "{dataset} could not be read from disk (missing or damaged "
                                   "files; downloading is off). Download {files} from "
                                   "{source_url} and put it in {directory} (it is extracted "
                                   "automatically), or put its extracted folder {folder} "
                                   "({members}) there, then load it again. Details: {reason}",
    # core.models.imagenet, core.style.vgg
    "weights_not_cached": "The {model} weights are not available: the file is not in the cache "
                          "and downloading is turned off. Download {url} and place the file "
                          "{file_name} in the folder {directory} (the torch hub cache; set "
                          "TORCH_HOME to move it).",
    "weights_cache_unreadable": "The {model} weights are not available: the cached file {path} "
                                "could not be read ({detail}); delete it and download it again "
                                "from {url}, placing the file {file_name} in the folder "
                                "{directory}.",
    "weights_download_failed": "The {model} weights are not available: the download failed "
                               "({detail}). Download {url} and place the file {file_name} in "
                               "the folder {directory} (the torch hub cache; set TORCH_HOME to "
                               "move it).",
    "vgg19_weights_not_cached": "The VGG19 ImageNet weights are not available: the file is not "
                                "in the cache and downloading is turned off. Download {url} "
                                "and place the file {file_name} in the folder {directory} (the "
                                "torch hub cache; set TORCH_HOME to move it). Random features "
                                "still work without it.",
    "vgg19_weights_cache_unreadable": "The VGG19 ImageNet weights are not available: the cached "
                                      "file {path} could not be read ({detail}); delete it and "
                                      "download it again from {url}, placing the file "
                                      "{file_name} in the folder {directory}. Random features "
                                      "still work without it.",
    "vgg19_weights_download_failed": "The VGG19 ImageNet weights are not available: the "
                                     "download failed ({detail}). Download {url} and place the "
                                     "file {file_name} in the folder {directory} (the torch "
                                     "hub cache; set TORCH_HOME to move it). Random features "
                                     "still work without it.",
    "vgg19_weights_wrong_file": "The file {path} does not hold VGG19 weights ({detail}). "
                                "Download {url} again and place the file {file_name} in the "
                                "folder {directory}. Random features still work without it.",
    # core.models.archs
    "arch_option_unsupported": "The architecture {arch} has no option {option} (it takes "
                               "{options}) (got {value}).",
    "arch_channels_sequence": "The channels must be a list of {count} positive whole numbers "
                              "for {arch} (got {value}).",
    "kernel_size_odd": "The kernel size must be odd (got {value}).",
    "arch_image_too_small": "The image size {value} is too small for {arch}: the feature map "
                            "shrinks to {size}×{size} at {layer}. The smallest image size that "
                            "works is {minimum}.",
    "in_channels_one_or_three": "The input must have 1 channel (grayscale) or 3 (RGB) (got "
                                "{value}).",
    # core.models.cards
    "card_not_json_string": "The model card must be JSON text of at most {limit} characters "
                            "(got {value}).",
    "card_invalid_json": "The model card is not valid JSON: {reason}.",
    "card_not_object": "The model card must be a JSON object (got {value}).",
    "card_fields_missing": "The model card lacks the fields {missing}.",
    "card_fields_extra": "The model card has unexpected fields: {extra}.",
    "card_fields_missing_and_extra": "The model card lacks the fields {missing} and has "
                                     "unexpected fields: {extra}.",
    "card_not_finite": "The model card must hold finite numbers only (got {value}).",
    "card_field_numbers": "The model card's field {field} must hold {count} finite numbers, "
                          "one per channel (got {value}).",
    "card_field_string": "The model card's field {field} must be a non-empty text (got "
                         "{value}).",
    "card_format_version": "The model card's format version must be {expected} (got {value}).",
    "card_field_object": "The model card's field {field} must be an object (got {value}).",
    "card_input_shape": "The model card's input shape must be a square [C, H, H] (got "
                        "{value}).",
    "card_classes": "The model card must list at least 2 distinct class names (got {value}).",
    "card_mean_std_range": "In the model card, every mean must lie from 0 to 1 and every "
                           "standard deviation above 0 and at most 1 (got mean {mean}, "
                           "std {std}).",
    "card_metrics": "The model card's metrics must be an object of finite JSON values (got "
                    "{value}).",
    "card_created": "The model card's creation time must be an ISO-8601 UTC time (got "
                    "{value}).",
    # core.models.checkpoints
    "checkpoint_missing_tensor": "The checkpoint lacks the tensor {tensor} (expected shape "
                                 "{shape}).",
    "checkpoint_tensor_mismatch": "The checkpoint's tensor {tensor} should have shape {shape} "
                                  "{dtype}, but it has {found_shape} {found_dtype}.",
    "checkpoint_tensor_not_finite": "The checkpoint's tensor {tensor} contains NaN or infinite "
                                    "values.",
    "checkpoint_unexpected_tensor": "The checkpoint holds an unexpected tensor {tensor} (shape "
                                    "{shape}); {count} unexpected in all.",
    "checkpoint_weights_not_bytes": "The weights must be bytes (got {value}).",
    "checkpoint_pickle": "This is a torch.save (pickle) file; only safetensors checkpoints are "
                         "accepted.",
    "checkpoint_not_safetensors": "The weights are not a valid safetensors file: {reason}.",
    "checkpoint_no_card": "No model card was given and none is embedded in the safetensors "
                          "metadata.",
    "checkpoint_bad_card": "The model card is invalid: {detail}.",
    "checkpoint_unreadable_dir": "The checkpoint in {directory} cannot be read: {reason}.",
    "checkpoint_upload_empty": "The uploaded file is empty.",
    "checkpoint_upload_too_large": "The file is {size_mb} MB; the limit is {limit_mb} MB.",
    "checkpoint_zip_missing": "The zip must contain {weights} and {card}; it lacks {missing}.",
    "checkpoint_zip_too_large": "The zip's contents are too large (the limit is {limit_mb} "
                                "MB).",
    "checkpoint_zip_unreadable": "The zip cannot be read: {reason}.",
    "card_options_not_empty": "A {arch} model card has no options (got {value}).",
    "card_torchvision_input": "{arch} takes colour (RGB) images of at least {minimum} px a "
                              "side; the card says {value}.",
    "onnx_graph_missing": "An ONNX model needs its graph file.",
    "checkpoint_graph_missing": "This ONNX model's graph file ({graph}) is missing.",
    "fit_source_shape": "These images are {value}; the conversion was made for {expected}.",
    "fit_shape": "{name} must be (channels, height, width) with 1 or 3 channels (got {value}).",
    "fit_mean_std": "The model's mean and standard deviation need {channels} values each, "
                    "all deviations above 0 (got {mean} and {std}).",
    # core.runtime
    "cuda_unavailable": "A CUDA GPU was asked for, but this machine has none; use the CPU or "
                        "automatic.",
    "bf16_unsupported_gpu": "The bf16 precision needs native bf16 support, which this GPU "
                            "lacks; use fp32 or automatic.",
    "bf16_unsupported_cpu": "The bf16 precision needs native bf16 support, which this CPU "
                            "lacks (no avx512_bf16 or amx_bf16); use fp32 or automatic.",
    "model_not_eval": "The model must be in evaluation mode (a forward pass in training mode "
                      "changes the BatchNorm buffers), but {layer} is in training mode: call "
                      ".eval() on your own copy first.",
    "layers_not_list": "The layers must be a non-empty list of layer names (got {value}).",
    "input_does_not_fit": "The input does not fit this model: {reason}",
    "input_shape_does_not_fit": "An input of shape {shape} does not fit this model: {reason}",
    "model_not_traceable": "This model cannot be run layer by layer (FX tracing failed: "
                           "{reason}).",
    "model_output_not_logits": "The model must return logits (B, K) (got {value}).",
    # core.interpret.occlusion
    "occlusion_window_too_large_height": "The occlusion window ({window} px high) is taller "
                                         "than the image ({size} px): the window must fit "
                                         "inside the image.",
    "occlusion_window_too_large_width": "The occlusion window ({window} px wide) is wider than "
                                        "the image ({size} px): the window must fit inside the "
                                        "image.",
    "occlusion_stride_over_window_height": "The vertical stride ({stride} px) is larger than "
                                           "the window height ({window} px): the stride must "
                                           "be at most the window, or some pixels would never "
                                           "be covered.",
    "occlusion_stride_over_window_width": "The horizontal stride ({stride} px) is larger than "
                                          "the window width ({window} px): the stride must be "
                                          "at most the window, or some pixels would never be "
                                          "covered.",
    "occlusion_too_many_passes": "A {window} window with stride {stride} on a {image} image "
                                 "needs {passes} forward passes, more than the {limit} allowed: "
                                 "use a larger stride.",
    "channel_stats": "{name} must be 1 or {channels} finite numbers, one per channel (got "
                     "{value}).",
    "std_positive": "The standard deviation must be above 0 in every channel (got {value}).",
    "occlusion_position_range": "The position must have a row from 0 to {rows} (excluded) and "
                                "a column from 0 to {cols} (excluded) (got row {row}, column "
                                "{col}).",
    "occlusion_base_shape": "The occluder values must be a tensor of the image's shape {shape} "
                            "(got {value}).",
    "target_class_range": "The target must be a class index from 0 to {high} (got {value}).",
    "occlusion_plan_mismatch": "The image size {image} does not match this occlusion map "
                               "({rows}×{cols} positions of a {window} window, stride "
                               "{stride}).",
    # core.interpret.saliency, sanity
    "baseline_tensor_shape": "The baseline must be a float tensor of the image's shape {shape} "
                             "(got {value} {dtype}).",
    "gradcam_no_conv": "Grad-CAM needs a convolutional layer, and this model has none.",
    "gradcam_layer_not_maps": "Grad-CAM needs a layer with (C, H, W) maps, but {layer} outputs "
                              "shape {shape}.",
    "spearman_sizes": "The rank correlation needs two arrays of the same size, at least 2 "
                      "(got {first} and {second}).",
    "sanity_methods": "The methods must be a non-empty list of {choices} (got {value}).",
    "sanity_params": "The parameters must map some of the chosen methods to their settings "
                     "(got {value}).",
    "sanity_too_many_maps": "{steps} steps × {methods} methods is more than {limit} maps: "
                            "choose fewer steps or methods.",
    # core.interpret.layers
    "activation_shape": "The activation must be a (C, H, W) or (N,) tensor (got {value}).",
    "layer_not_conv": "{layer} is not a convolutional layer ({kind}); choose one of {choices}.",
    "image_size_pair": "The image size must be (height, width) of positive whole numbers (got "
                       "{value}).",
    "layer_output_not_maps": "The layer must output (C, H, W) maps or (N,) units, but {layer} "
                             "outputs shape {shape}.",
    "images_uint8_batch": "The images must be a non-empty (N, C, H, W) uint8 tensor (got "
                          "{value}).",
    "not_callable": "{name} must be a function or nothing (got {value}).",
    "channel_stats_finite": "{name} must be {channels} finite numbers, one per channel (got "
                            "{value}).",
    "channel_stats_positive": "{name} must be {channels} positive finite numbers, one per "
                              "channel (got {value}).",
    # core.interpret.embeddings
    "vectors_not_matrix": "{name} must be a 2-D numeric array (N, D) (got shape {value} "
                          "{dtype}).",
    "vectors_too_few_rows": "{name} must have at least {low} rows (got {value}).",
    "vectors_not_finite": "{name} must hold finite numbers ({count} values are NaN or "
                          "infinite).",
    "dataset_type": "The dataset must be a core.data.datasets.Dataset (got {value}).",
    "labels_array": "{name} must be an integer array of shape ({count},) (got {value} "
                    "{dtype}).",
    "arch_not_string": "The architecture must be a name or nothing (got {value}).",
    "feature_layer_missing": "The architecture {arch} takes its features from {layer}, which "
                             "this model lacks; its layers: {choices}.",
    "feature_no_linear": "The model has no linear layer to take features before; choose one "
                         "of {choices}.",
    "feature_linear_on_input": "The last linear layer reads the input image directly; choose a "
                               "layer from {choices}.",
    "feature_mode_vector": "The 'vector' mode needs a layer with (D,) outputs, but {layer} "
                           "outputs {shape}: use 'gap' or 'flatten'.",
    "feature_mode_gap": "The 'gap' mode needs (C, H, W) maps, but {layer} outputs {shape}: use "
                        "'flatten'.",
    "features_dataset_empty": "The dataset is empty: feature extraction needs at least one "
                              "image.",
    "layer_output_not_tensor": "The layer {layer} does not output a tensor; choose another.",
    "features_too_much_memory": "{count} vectors of {dim} numbers need {needed_mib} MiB; the "
                                "limit is {limit_mib} MiB. Use the 'gap' mode, a later layer "
                                "or fewer images.",
    "indices_range": "The indices must be a non-empty list of whole numbers from 0 to {high}.",
    "pixels_too_much_memory": "{count} images of {shape} need more than {limit_mib} MiB as "
                              "numbers: use fewer.",
    "tsne_too_few_points": "The t-SNE map needs at least {low} points (got {value}).",
    "perplexity_too_large": "The perplexity must be below N/3 = {limit} for {count} points "
                            "(each point looks at its 3 × perplexity nearest neighbours) (got "
                            "{value}).",
    "trust_rows_mismatch": "Both sets of points need the same number of rows (got {first} and "
                           "{second}).",
    "trust_k_too_large": "The number of neighbours must be below n/2 = {limit} for the {count} "
                         "points used (got {value}).",
    "labels_negative": "The labels must be 0 or more (got {value}).",
    "csv_inputs": "The CSV export needs the features and the projection.",
    "csv_points_mismatch": "The projection has {points} points but the features have {count}.",
    "csv_class_names": "The class names must name every class (at least {low}) (got {value}).",
    # core.style
    "style_layers_not_dict": "The style layers must map each layer to its weight (got "
                             "{value}).",
    "style_layer_weight": "The style weight of {layer} must be a finite number of at least 0 "
                          "(got {value}).",
    "style_nothing_to_optimise": "Nothing to optimise: the content weight, the style weight "
                                 "(with at least one style layer above 0) and the smoothness "
                                 "(TV) weight are all 0.",
    "style_image_too_elongated": "The image is {width}×{height}; with its longer side at "
                                 "{size} px its shorter side would be {shorter} px, below the "
                                 "minimum {minimum} (the conv5 layers sit behind four 2×2 "
                                 "poolings). Use a larger size or a less elongated image.",
    "style_config_type": "The style settings must be a StyleConfig (got {value}).",
    "style_blend_needs_second": "The style blend is {value}, but no second style image was "
                                "given.",
    "style_stage_steps": "The coarse-to-fine stages must be a tuple of step counts (got "
                         "{value}).",
    "style_stage_too_small": "{stages} stages up to {size} px would start at {coarsest} px, "
                             "below the minimum {minimum}: use fewer stages or a larger size.",
    "style_one_stage": "One StyleTransfer runs one stage; coarse-to-fine settings are run by "
                       "CoarseToFine.",
    "style_size_cpu": "An output of {size} px needs a GPU: on a CPU the largest is {limit} px.",
    "style_memory": "A stage of {h}×{w} px needs about {need} GB of memory at its peak, over "
                    "the budget of {budget} GB. Choose a smaller size, average pooling or "
                    "shallower layers, or set the environment variable {variable} to allow "
                    "more.",
    "style_memory_env": "The environment variable {name} must be a number of gigabytes above "
                        "0 (got {value}).",
    "colour_shape": "The {name} image must be (1, 3, H, W) (got shape {value}).",
    "reconstruct_one_target": "Give either a content layer or style layers, not both or "
                              "neither (got content layer {content}, style layers {style}).",
    "features_not_4d": "The features must be (B, C, H, W) (got shape {value}).",
    "layers_none": "At least one layer is needed.",
    "vgg_too_short": "The feature extractor has {count} modules, but {layer} needs {needed}.",
    "vgg_unexpected_module": "Unexpected module {kind} at index {index} of the VGG19 "
                             "features.",
    "vgg_layer_past_end": "The layer {layer} is past the end of this feature extractor "
                          "({count} modules).",
    # an error core has not keyed: its English sentence as it is
    "unkeyed": "{detail}",
}

ES = {
    "int": "{name} debe ser un número entero (se recibió {value}).",
    "int_between": "{name} debe ser un número entero entre {low} y {high} (se recibió {value}).",
    "int_min": "{name} debe ser un número entero mayor o igual que {low} (se recibió {value}).",
    "int_max": "{name} debe ser un número entero menor o igual que {high} (se recibió {value}).",
    "number": "{name} debe ser un número finito (se recibió {value}).",
    "number_between": "{name} debe ser un número entre {low} y {high} (se recibió {value}).",
    "number_between_open": "{name} debe ser un número mayor que {low} y menor o igual que "
                           "{high} (se recibió {value}).",
    "number_min": "{name} debe ser un número mayor o igual que {low} (se recibió {value}).",
    "number_above": "{name} debe ser un número mayor que {low} (se recibió {value}).",
    "number_max": "{name} debe ser un número menor o igual que {high} (se recibió {value}).",
    "bool": "{name} debe estar activado o desactivado (se recibió {value}).",
    "choice": "{name} debe ser uno de estos valores: {choices} (se recibió {value}).",
    "pair": "{name} debe ser un número entero o un par de enteros (alto, ancho) "
            "(se recibió {value}).",
    "pair_min": "{name} debe ser al menos {low} en las dos direcciones (se recibió {value}).",
    "batch": "La entrada debe ser un lote de imágenes en coma flotante (B, C, H, W) "
             "(se recibió {value}).",
    "one_image": "La entrada debe contener exactamente una imagen (1, C, H, W) "
                 "(se recibió {value}).",
    "input_shape": "La forma de la entrada debe ser (canales, alto, ancho), todos enteros "
                   "positivos (se recibió {value}).",
    # core.teach.pooling
    "matrix_shape_range": "La matriz debe tener entre 1 y {high} filas y entre 1 y {high} "
                          "columnas (se recibió {value}).",
    "pool_op_unknown": "Operación de agrupación desconocida: {value}; elige una de estas: "
                       "{choices}.",
    "pool_output_size_range": "El tamaño de salida debe estar entre 1 y {high} en cada lado "
                              "(se recibió {value}).",
    "pool_padding_over_half_height": "El relleno (padding) puede ser como mucho la mitad del "
                                     "tamaño del núcleo: en altura el relleno es {padding}, "
                                     "mayor que ⌊{kernel}/2⌋ = {limit}.",
    "pool_padding_over_half_width": "El relleno (padding) puede ser como mucho la mitad del "
                                    "tamaño del núcleo: en anchura el relleno es {padding}, "
                                    "mayor que ⌊{kernel}/2⌋ = {limit}.",
    "pool_padding_over_half_dilated_height": "El relleno (padding) puede ser como mucho la "
                                             "mitad del tamaño del núcleo: en altura el "
                                             "relleno es {padding}, mayor que "
                                             "⌊{kernel}/2⌋ = {limit}. Una dilatación de "
                                             "{dilation} no aumenta este límite.",
    "pool_padding_over_half_dilated_width": "El relleno (padding) puede ser como mucho la "
                                            "mitad del tamaño del núcleo: en anchura el "
                                            "relleno es {padding}, mayor que "
                                            "⌊{kernel}/2⌋ = {limit}. Una dilatación de "
                                            "{dilation} no aumenta este límite.",
    "pool_no_window_height": "No cabe ninguna ventana, así que la salida quedaría vacía: en "
                             "altura el núcleo (tamaño efectivo {kernel}) es mayor que la "
                             "entrada con relleno ({size} + 2·{padding} = {padded}).",
    "pool_no_window_width": "No cabe ninguna ventana, así que la salida quedaría vacía: en "
                            "anchura el núcleo (tamaño efectivo {kernel}) es mayor que la "
                            "entrada con relleno ({size} + 2·{padding} = {padded}).",
    "pool_no_window_ceil_height": "No cabe ninguna ventana, ni siquiera con ceil_mode: en "
                                  "altura el núcleo (tamaño efectivo {kernel}) sobrepasa la "
                                  "entrada con relleno ({size} + 2·{padding} = {padded}) en "
                                  "un paso ({stride}) o más.",
    "pool_no_window_ceil_width": "No cabe ninguna ventana, ni siquiera con ceil_mode: en "
                                 "anchura el núcleo (tamaño efectivo {kernel}) sobrepasa la "
                                 "entrada con relleno ({size} + 2·{padding} = {padded}) en "
                                 "un paso ({stride}) o más.",
    "pool_routing_not_max": "El reparto del gradiente solo existe para la agrupación máxima "
                            "(max pooling), no para {value}.",
    "pool_upstream_shape": "El gradiente que llega de la capa siguiente debe tener valores "
                           "finitos y la forma de la salida, {shape} (se recibió la forma "
                           "{value}).",
    # core.teach.matrices
    "matrix_text_too_long": "El texto es demasiado largo: {value} caracteres; como máximo "
                            "{high}.",
    "matrix_empty": "La matriz está vacía: escribe al menos un número.",
    "matrix_list_stray": "No se pudo leer la sintaxis de lista ({value} queda fuera de los "
                         "corchetes de una fila); escríbela así: [[1, 2], [3, 4]].",
    "matrix_list_no_rows": "No se pudo leer la sintaxis de lista (no hay ninguna fila); "
                           "escríbela así: [[1, 2], [3, 4]].",
    "matrix_row_empty": "La fila {row} está vacía.",
    "matrix_ragged": "Las filas tienen longitudes distintas: la fila {row} tiene {count} "
                     "valores y la fila 1 tiene {first}. Todas las filas necesitan el mismo "
                     "número de valores.",
    "matrix_cell_empty": "La celda de la fila {row}, columna {column}, está vacía.",
    "matrix_cell_bool": "La celda de la fila {row}, columna {column}, es un valor "
                        "verdadero/falso ({value}); escribe un número.",
    "matrix_cell_not_number": "Fila {row}, columna {column}: {value} no es un número.",
    "matrix_cell_not_finite": "La celda de la fila {row}, columna {column}, vale {value}: solo "
                              "sirven números finitos (una celda vaciada en la cuadrícula se "
                              "lee como nan).",
    "matrix_not_2d": "La matriz debe ser bidimensional (filas × columnas), pero tiene {ndim} "
                     "dimensiones.",
    "random_range_order": "El rango necesita números finitos con mínimo ≤ máximo (se recibió "
                          "mínimo = {low}, máximo = {high}).",
    "random_range_no_integer": "No hay ningún número entero en [{low}, {high}].",
    # core.teach.explainers
    "logits_shape": "Los logits deben ser una lista no vacía de números (se recibió la forma "
                    "{value}).",
    "logits_not_finite": "Los logits deben ser números finitos (se recibió {value}).",
    "dropout_p_range": "La probabilidad de dropout debe ser al menos 0 y menor que 1 "
                       "(se recibió {value}).",
    # core.teach.filters
    "kernel_is_text": "Un núcleo debe ser filas de números, no texto.",
    "kernel_too_many_rows": "El núcleo tiene {rows} filas; un núcleo debe ser cuadrado y de "
                            "tamaño impar entre 1 y {high} (por ejemplo 3×3 o 5×5) para que "
                            "tenga una celda central.",
    "kernel_shape_rule": "El núcleo es de {value}; un núcleo debe ser cuadrado y de tamaño "
                         "impar entre 1 y {high} (por ejemplo 3×3 o 5×5) para que tenga una "
                         "celda central.",
    "image_not_real": "La imagen debe contener números reales (se recibió el tipo de datos "
                      "{value}).",
    "image_not_finite": "La imagen debe contener números finitos (se recibió {value} en el "
                        "índice {index}).",
    "image_side_range": "La imagen mide {value}; su alto y su ancho deben estar entre 1 y "
                        "{high} píxeles (redimensiónala antes).",
    "float_image_shape": "La imagen debe ser (H, W) en escala de grises o (H, W, 3) en RGB, "
                         "con los canales al final (se recibió la forma {value}).",
    "image_range": "Los valores de la imagen deben estar entre 0 y 1 (van de {lowest} a "
                   "{highest}).",
    "image_range_8bit": "Los valores de la imagen deben estar entre 0 y 1 (van de {lowest} a "
                        "{highest}); si es una imagen de 8 bits, divídela antes entre 255.",
    "image_stack_shape": "La imagen debe ser (C, H, W) con al menos un canal (se recibió la "
                         "forma {value}).",
    "kernels_shape": "Los núcleos deben ser (F, k, k), o un solo núcleo (k, k) (se recibió la "
                     "forma {value}).",
    "kernels_type": "Los núcleos deben ser un array o una lista de núcleos (se recibió "
                    "{value}).",
    "kernels_count": "Elige entre 1 y {high} núcleos (se recibieron {value}).",
    "kernels_size_mismatch": "Todos los núcleos deben tener el mismo tamaño para que sus mapas "
                             "de características tengan la misma forma: {first} es de "
                             "{first_size}, pero {other} es de {other_size}.",
    "conv_kernel_too_big": "El núcleo de {kernel}×{kernel} no cabe: el tamaño de la entrada "
                           "{size} más dos veces el relleno {padding} da {padded}, menos que "
                           "el núcleo.",
    "conv_kernel_too_big_height": "El núcleo de {kernel}×{kernel} no cabe en la imagen con "
                                  "relleno: en altura {size} + 2·{padding} = {padded} < "
                                  "{kernel}. Añade relleno o usa un núcleo más pequeño.",
    "conv_kernel_too_big_width": "El núcleo de {kernel}×{kernel} no cabe en la imagen con "
                                 "relleno: en anchura {size} + 2·{padding} = {padded} < "
                                 "{kernel}. Añade relleno o usa un núcleo más pequeño.",
    "kernel_names_not_strings": "Los nombres de los núcleos deben ser una lista de textos (se "
                                "recibió {value}).",
    "kernel_names_count": "Cada núcleo necesita un nombre: hay {kernels} núcleos y {names} "
                          "nombres.",
    "conv_map_too_small_for_pool": "Tras la convolución el mapa de características mide "
                                   "{value}, demasiado pequeño para la agrupación máxima 2×2 "
                                   "(necesita al menos 2×2). Usa un paso menor, más relleno o "
                                   "una imagen más grande.",
    # core.train
    "number_below_one": "{name} debe ser un número mayor o igual que 0 y menor que 1 "
                        "(se recibió {value}).",
    "nesterov_needs_momentum": "El momento de Nesterov necesita un momento (momentum) mayor "
                               "que 0.",
    "images_not_square": "Las imágenes deben ser cuadradas (se recibió {value}).",
    "init_layer_unsupported": "Esta arquitectura tiene una capa que no se puede inicializar a "
                              "partir de la semilla: {layer} ({kind}).",
    "train_config_type": "La configuración del entrenamiento debe ser un TrainConfig "
                         "(se recibió {value}).",
    "model_type": "El modelo debe ser un torch.nn.Module (se recibió {value}).",
    "training_set_empty": "El conjunto de entrenamiento está vacío: necesita al menos una "
                          "imagen.",
    "training_diverged_loss": "El entrenamiento divergió en la época {epoch}, paso {step}: la "
                              "pérdida se volvió {loss} (tasa de aprendizaje {lr}). El modelo "
                              "conserva los pesos de antes de ese paso; baja la tasa de "
                              "aprendizaje.",
    "training_diverged_weights": "El entrenamiento divergió en la época {epoch}, paso {step}: "
                                 "su actualización dejó los pesos con valores no finitos (tasa "
                                 "de aprendizaje {lr}). El modelo conserva los pesos de antes "
                                 "de ese paso; baja la tasa de aprendizaje.",
    "model_device_mismatch": "El modelo está en {model_device}, pero el dispositivo elegido es "
                             "{device}; mueve primero tu propia copia del modelo.",
    "eval_dataset_empty": "El conjunto de datos está vacío: la evaluación necesita al menos "
                          "una imagen.",
    "logits_classes_mismatch": "El modelo da logits con forma {value}, pero el conjunto de "
                               "datos tiene {classes} clases: se esperaba (B, {classes}).",
    "class_index_range": "{name} debe ser un índice de clase entre 0 y {high} (se recibió "
                         "{value}).",
    # core.train.playground
    "grid_points_range": "La cuadrícula necesita entre {low} y {high} puntos por eje "
                         "(se recibió {value}).",
    "start_not_pair": "El punto de partida debe ser un par (x, y) de números finitos "
                      "(se recibió {value}).",
    "start_out_of_range": "El punto de partida debe tener x entre {x_low} y {x_high} e y "
                          "entre {y_low} y {y_high} (se recibió {value}).",
    "loss_not_finite_at_start": "La pérdida no es finita en el punto de partida {value}; elige "
                                "otro punto de partida.",
    # core.data.images
    "image_file_empty": "El archivo está vacío. Sube una imagen PNG, JPEG, WebP, BMP o GIF.",
    "image_file_too_large": "El archivo ocupa {size_mb} MB; el límite es {limit_mb} MB. Sube "
                            "una imagen más pequeña.",
    "image_not_recognised": "Este archivo no es una imagen reconocida. Formatos admitidos: "
                            "PNG, JPEG, WebP, BMP o GIF.",
    "image_header_damaged": "La cabecera de la imagen está dañada ({reason}). Formatos "
                            "admitidos: PNG, JPEG, WebP, BMP o GIF.",
    "image_size_invalid": "La cabecera de la imagen indica un tamaño de {width}×{height} "
                          "píxeles, que no es válido.",
    "image_too_many_pixels": "La imagen es demasiado grande ({width}×{height} píxeles, "
                             "{megapixels} megapíxeles). Usa como máximo {limit} megapíxeles.",
    "image_too_many_pixels_no_limit": "La imagen es demasiado grande ({width}×{height} "
                                      "píxeles). Usa una imagen más pequeña.",
    "image_pixel_limit": "La imagen es demasiado grande. Usa como máximo {limit} megapíxeles.",
    "image_too_large": "La imagen es demasiado grande. Usa una imagen más pequeña.",
    "image_truncated_format": "El archivo {format} está truncado o dañado ({reason}). Vuelve a "
                              "guardarlo como PNG, JPEG, WebP, BMP o GIF e inténtalo de nuevo.",
    "image_truncated": "El archivo de imagen está truncado o dañado ({reason}). Vuelve a "
                       "guardarlo como PNG, JPEG, WebP, BMP o GIF e inténtalo de nuevo.",
    "image_mode_unsupported": "Las imágenes con el modo de color {mode} no se admiten. Usa una "
                              "imagen RGB o en escala de grises.",
    "image_nan_values": "La imagen contiene valores NaN o infinitos. Usa una imagen de 8 o 16 "
                        "bits.",
    "channels_one_or_three": "El número de canales debe ser 1 o 3 (se recibió {value}).",
    "resize_size_pair": "El tamaño debe ser un par (alto, ancho) de números enteros "
                        "(se recibió {value}).",
    "resize_size_range": "El alto y el ancho deben estar entre 1 y {high} píxeles "
                         "(se recibió {value}).",
    "uint8_image_tensor": "Se esperaba un tensor de imagen uint8 con forma (1 o 3, H, W) "
                          "(se recibió {value} {dtype}).",
    # core.data.archives
    "zip_dest_not_empty_dir": "El destino debe ser una carpeta existente y vacía (se recibió "
                              "{value}).",
    "zip_file_empty": "El archivo está vacío. Sube un .zip con una carpeta de imágenes por "
                      "clase.",
    "zip_file_too_large": "El zip ocupa {size_mb} MB; el límite es {limit_mb} MB. Usa menos "
                          "imágenes o imágenes más pequeñas.",
    "zip_invalid": "Este archivo no es un zip válido ({reason}). Sube un .zip con una carpeta "
                   "de imágenes por clase.",
    "zip_empty": "El zip está vacío. Pon dentro una carpeta de imágenes por clase.",
    "zip_duplicate_entry": "El zip contiene {entry} dos veces; vuelve a crear el zip.",
    "zip_no_files": "El zip no contiene archivos (solo carpetas o metadatos de macOS/Windows). "
                    "Pon dentro una carpeta de imágenes por clase.",
    "zip_absolute_path": "El zip contiene una ruta absoluta ({entry}), que podría escribir "
                         "fuera de su carpeta. Vuelve a crear el zip desde la propia carpeta.",
    "zip_parent_path": "El zip contiene una ruta con '..' ({entry}), que podría escribir fuera "
                       "de su carpeta. Vuelve a crear el zip desde la propia carpeta.",
    "zip_nul_name": "El zip contiene un nombre de archivo con un carácter NUL ({entry}).",
    "zip_symlink": "El zip contiene un enlace simbólico ({entry}); no se admiten enlaces. "
                   "Comprime los propios archivos de imagen.",
    "zip_not_regular_file": "El zip contiene {entry}, que no es un archivo normal.",
    "zip_encrypted": "El zip está protegido con contraseña ({entry} está cifrado). Créalo sin "
                     "contraseña.",
    "zip_compression_unsupported": "{entry} usa un método de compresión no admitido "
                                   "({method}). Vuelve a crear el zip con la compresión "
                                   "habitual (deflate).",
    "zip_path_outside": "La ruta {entry} del zip sale fuera de su carpeta.",
    "zip_cannot_create_folder": "No se puede crear la carpeta {entry} del zip ({reason}).",
    "zip_member_size_mismatch": "{entry} está dañado dentro del zip (su cabecera indica "
                                "{declared} bytes y contiene {written}). Vuelve a crear el zip.",
    "zip_member_overflow": "{entry} contiene dentro del zip más datos de los que indica su "
                           "cabecera ({declared} bytes); el zip está dañado o es malicioso.",
    "zip_extract_over_limit": "Al extraerlo, el zip ocupa más bytes de los que declaran sus "
                              "cabeceras y supera el límite sin comprimir; el zip está dañado "
                              "o es malicioso.",
    "zip_cannot_extract": "No se puede extraer {entry} ({reason}).",
    "zip_member_corrupt": "{entry} está dañado dentro del zip ({reason}). Vuelve a crear el "
                          "zip.",
    "zip_too_many_entries": "El zip tiene {count} entradas; el límite es {limit}. Sube menos "
                            "imágenes cada vez.",
    "zip_too_many_entries_over": "El zip tiene más de {limit} entradas, que es el límite. Sube "
                                 "menos imágenes cada vez.",
    "zip_too_big_uncompressed": "Al extraerlo, el zip ocuparía {size_mb} MB; el límite sin "
                                "comprimir es {limit_mb} MB. Usa menos imágenes o imágenes "
                                "más pequeñas.",
    # core.data.datasets
    "number_between_exclusive": "{name} debe ser un número entre {low} y {high}, ambos "
                                "excluidos (se recibió {value}).",
    "dataset_images_tensor": "Las imágenes deben ser un tensor uint8 (N, C, H, W) (se recibió "
                             "{value} {dtype}).",
    "dataset_labels_tensor": "Las etiquetas deben ser un tensor int64 (N,) con N = {count} "
                             "(se recibió {value} {dtype}).",
    "dataset_mean_std_channels": "La media y la desviación típica necesitan un valor por canal "
                                 "({channels}) (se recibió {mean} y {std}).",
    "dataset_std_positive": "Todas las desviaciones típicas deben ser mayores que 0 "
                            "(se recibió {value}).",
    "dataset_labels_range": "Las etiquetas deben estar entre 0 y {high}.",
    "normalize_not_uint8": "La normalización espera un tensor uint8 (se recibió {value}).",
    "normalize_shape": "La normalización espera (N, {channels}, H, W) o ({channels}, H, W) "
                       "(se recibió {value}).",
    "channels_auto_one_or_three": "El número de canales debe ser automático, 1 o 3 "
                                  "(se recibió {value}).",
    "folder_too_much_memory": "{count} imágenes de {size}×{size} necesitan {needed_gb} GB de "
                              "memoria; el límite es {limit_gb} GB. Usa menos imágenes o un "
                              "tamaño de imagen menor.",
    "folder_not_a_directory": "{path} no es una carpeta; elige una carpeta con una subcarpeta "
                              "por clase.",
    "folder_unreadable": "No se puede leer la carpeta {path} ({reason}).",
    "folder_too_few_classes": "{path} tiene {count} carpeta(s) de clase; se necesitan al menos "
                              "2 (una subcarpeta de imágenes por clase).",
    "folder_too_many_images": "{path} tiene más de {limit} imágenes, que es el límite.",
    "folder_class_no_images": "La carpeta de clase {folder} no tiene archivos de imagen "
                              "({extensions}).",
    "folder_no_test_split": "Cada clase tiene una sola imagen, así que no se puede separar un "
                            "conjunto de test; añade imágenes.",
    "folder_file_too_large": "El archivo ocupa más de {limit_mb} MB.",
    "folder_class_no_usable_image": "La carpeta de clase {folder} no tiene ninguna imagen "
                                    "utilizable ({reasons}).",
    "dataset_download_failed_files": "No se pudo descargar {dataset} (¿no hay conexión?). Para "
                                     "usarlo sin conexión, descarga {files} de {source_url} y "
                                     "ponlos (tal cual o descomprimidos, sin .gz) en "
                                     "{directory}; después vuelve a cargarlo. Detalle: {reason}",
    "dataset_not_on_disk_files": "No se pudo leer {dataset} del disco (faltan archivos o están "
                                 "dañados; la descarga está desactivada). Descarga {files} de "
                                 "{source_url} y ponlos (tal cual o descomprimidos, sin .gz) "
                                 "en {directory}; después vuelve a cargarlo. Detalle: {reason}",
    "dataset_download_failed_archive": "No se pudo descargar {dataset} (¿no hay conexión?). "
                                       "Para usarlo sin conexión, descarga {files} de "
                                       "{source_url} y ponlo en {directory} (se extrae solo), "
                                       "o pon ahí su carpeta ya extraída {folder} ({members}); "
                                       "después vuelve a cargarlo. Detalle: {reason}",
    "dataset_not_on_disk_archive": "No se pudo leer {dataset} del disco (faltan archivos o "
                                   "están dañados; la descarga está desactivada). Descarga "
                                   "{files} de {source_url} y ponlo en {directory} (se extrae "
                                   "solo), o pon ahí su carpeta ya extraída {folder} "
                                   "({members}); después vuelve a cargarlo. Detalle: {reason}",
    # core.models.imagenet, core.style.vgg
    "weights_not_cached": "Los pesos de {model} no están disponibles: el archivo no está en la "
                          "caché y la descarga está desactivada. Descarga {url} y coloca el "
                          "archivo {file_name} en la carpeta {directory} (la caché de torch "
                          "hub; TORCH_HOME la cambia de sitio).",
    "weights_cache_unreadable": "Los pesos de {model} no están disponibles: no se pudo leer el "
                                "archivo de la caché {path} ({detail}); bórralo y vuelve a "
                                "descargarlo de {url}, colocando el archivo {file_name} en la "
                                "carpeta {directory}.",
    "weights_download_failed": "Los pesos de {model} no están disponibles: la descarga falló "
                               "({detail}). Descarga {url} y coloca el archivo {file_name} en "
                               "la carpeta {directory} (la caché de torch hub; TORCH_HOME la "
                               "cambia de sitio).",
    "vgg19_weights_not_cached": "Los pesos de VGG19 entrenados en ImageNet no están "
                                "disponibles: el archivo no está en la caché y la descarga "
                                "está desactivada. Descarga {url} y coloca el archivo "
                                "{file_name} en la carpeta {directory} (la caché de torch hub; "
                                "TORCH_HOME la cambia de sitio). Las características "
                                "aleatorias funcionan sin él.",
    "vgg19_weights_cache_unreadable": "Los pesos de VGG19 entrenados en ImageNet no están "
                                      "disponibles: no se pudo leer el archivo de la caché "
                                      "{path} ({detail}); bórralo y vuelve a descargarlo de "
                                      "{url}, colocando el archivo {file_name} en la carpeta "
                                      "{directory}. Las características aleatorias funcionan "
                                      "sin él.",
    "vgg19_weights_download_failed": "Los pesos de VGG19 entrenados en ImageNet no están "
                                     "disponibles: la descarga falló ({detail}). Descarga {url} "
                                     "y coloca el archivo {file_name} en la carpeta "
                                     "{directory} (la caché de torch hub; TORCH_HOME la cambia "
                                     "de sitio). Las características aleatorias funcionan sin "
                                     "él.",
    "vgg19_weights_wrong_file": "El archivo {path} no contiene pesos de VGG19 ({detail}). "
                                "Vuelve a descargar {url} y coloca el archivo {file_name} en la "
                                "carpeta {directory}. Las características aleatorias funcionan "
                                "sin él.",
    # core.models.archs
    "arch_option_unsupported": "La arquitectura {arch} no tiene la opción {option} (admite "
                               "{options}) (se recibió {value}).",
    "arch_channels_sequence": "Los canales deben ser una lista de {count} números enteros "
                              "positivos para {arch} (se recibió {value}).",
    "kernel_size_odd": "El tamaño del núcleo debe ser impar (se recibió {value}).",
    "arch_image_too_small": "El tamaño de imagen {value} es demasiado pequeño para {arch}: el "
                            "mapa de características se reduce a {size}×{size} en {layer}. El "
                            "menor tamaño de imagen que funciona es {minimum}.",
    "in_channels_one_or_three": "La entrada debe tener 1 canal (escala de grises) o 3 (RGB) "
                                "(se recibió {value}).",
    # core.models.cards
    "card_not_json_string": "La ficha del modelo debe ser un texto JSON de como máximo {limit} "
                            "caracteres (se recibió {value}).",
    "card_invalid_json": "La ficha del modelo no es un JSON válido: {reason}.",
    "card_not_object": "La ficha del modelo debe ser un objeto JSON (se recibió {value}).",
    "card_fields_missing": "A la ficha del modelo le faltan los campos {missing}.",
    "card_fields_extra": "La ficha del modelo tiene campos inesperados: {extra}.",
    "card_fields_missing_and_extra": "A la ficha del modelo le faltan los campos {missing} y "
                                     "tiene campos inesperados: {extra}.",
    "card_not_finite": "La ficha del modelo solo puede contener números finitos (se recibió "
                       "{value}).",
    "card_field_numbers": "El campo {field} de la ficha del modelo debe contener {count} "
                          "números finitos, uno por canal (se recibió {value}).",
    "card_field_string": "El campo {field} de la ficha del modelo debe ser un texto no vacío "
                         "(se recibió {value}).",
    "card_format_version": "La versión de formato de la ficha del modelo debe ser {expected} "
                           "(se recibió {value}).",
    "card_field_object": "El campo {field} de la ficha del modelo debe ser un objeto "
                         "(se recibió {value}).",
    "card_input_shape": "La forma de entrada de la ficha del modelo debe ser cuadrada, "
                        "[C, H, H] (se recibió {value}).",
    "card_classes": "La ficha del modelo debe listar al menos 2 nombres de clase distintos "
                    "(se recibió {value}).",
    "card_mean_std_range": "En la ficha del modelo, cada media debe estar entre 0 y 1 y cada "
                           "desviación típica debe ser mayor que 0 y como mucho 1 (se recibió "
                           "media {mean}, desviación {std}).",
    "card_metrics": "Las métricas de la ficha del modelo deben ser un objeto de valores JSON "
                    "finitos (se recibió {value}).",
    "card_created": "La fecha de creación de la ficha del modelo debe ser una hora UTC en "
                    "formato ISO-8601 (se recibió {value}).",
    # core.models.checkpoints
    "checkpoint_missing_tensor": "Al punto de control le falta el tensor {tensor} (forma "
                                 "esperada {shape}).",
    "checkpoint_tensor_mismatch": "El tensor {tensor} del punto de control debería tener la "
                                  "forma {shape} {dtype}, pero tiene {found_shape} "
                                  "{found_dtype}.",
    "checkpoint_tensor_not_finite": "El tensor {tensor} del punto de control contiene valores "
                                    "NaN o infinitos.",
    "checkpoint_unexpected_tensor": "El punto de control contiene un tensor inesperado "
                                    "{tensor} (forma {shape}); {count} inesperados en total.",
    "checkpoint_weights_not_bytes": "Los pesos deben ser bytes (se recibió {value}).",
    "checkpoint_pickle": "Es un archivo de torch.save (pickle); solo se admiten puntos de "
                         "control safetensors.",
    "checkpoint_not_safetensors": "Los pesos no son un archivo safetensors válido: {reason}.",
    "checkpoint_no_card": "No se dio ninguna ficha del modelo y no hay ninguna incrustada en "
                          "los metadatos de safetensors.",
    "checkpoint_bad_card": "La ficha del modelo no es válida: {detail}.",
    "checkpoint_unreadable_dir": "No se puede leer el punto de control de {directory}: "
                                 "{reason}.",
    "checkpoint_upload_empty": "El archivo subido está vacío.",
    "checkpoint_upload_too_large": "El archivo ocupa {size_mb} MB; el límite es {limit_mb} MB.",
    "checkpoint_zip_missing": "El zip debe contener {weights} y {card}; falta: {missing}.",
    "checkpoint_zip_too_large": "El contenido del zip es demasiado grande (el límite es "
                                "{limit_mb} MB).",
    "checkpoint_zip_unreadable": "No se puede leer el zip: {reason}.",
    "card_options_not_empty": "La ficha de un modelo {arch} no lleva opciones (tiene {value}).",
    "card_torchvision_input": "{arch} recibe imágenes en color (RGB) de al menos {minimum} px "
                              "de lado; la ficha dice {value}.",
    "onnx_graph_missing": "Un modelo ONNX necesita su archivo de grafo.",
    "checkpoint_graph_missing": "Falta el archivo de grafo ({graph}) de este modelo ONNX.",
    "fit_source_shape": "Estas imágenes son {value}; la conversión se preparó para {expected}.",
    "fit_shape": "{name} debe ser (canales, alto, ancho) con 1 o 3 canales (es {value}).",
    "fit_mean_std": "La media y la desviación típica del modelo necesitan {channels} valores "
                    "cada una, todas las desviaciones mayores que 0 (son {mean} y {std}).",
    # core.runtime
    "cuda_unavailable": "Se pidió una GPU CUDA, pero esta máquina no tiene ninguna; usa la CPU "
                        "o el modo automático.",
    "bf16_unsupported_gpu": "La precisión bf16 necesita soporte nativo de bf16, y esta GPU no "
                            "lo tiene; usa fp32 o el modo automático.",
    "bf16_unsupported_cpu": "La precisión bf16 necesita soporte nativo de bf16, y esta CPU no "
                            "lo tiene (ni avx512_bf16 ni amx_bf16); usa fp32 o el modo "
                            "automático.",
    "model_not_eval": "El modelo debe estar en modo de evaluación (una pasada hacia delante en "
                      "modo de entrenamiento cambia los búferes de BatchNorm), pero {layer} "
                      "está en modo de entrenamiento: llama antes a .eval() sobre tu propia "
                      "copia.",
    "layers_not_list": "Las capas deben ser una lista no vacía de nombres de capa (se recibió "
                       "{value}).",
    "input_does_not_fit": "La entrada no encaja en este modelo: {reason}",
    "input_shape_does_not_fit": "Una entrada con forma {shape} no encaja en este modelo: "
                                "{reason}",
    "model_not_traceable": "Este modelo no se puede ejecutar capa a capa (falló el trazado con "
                           "FX: {reason}).",
    "model_output_not_logits": "El modelo debe devolver logits (B, K) (se recibió {value}).",
    # core.interpret.occlusion
    "occlusion_window_too_large_height": "La ventana de oclusión ({window} px de alto) es más "
                                         "alta que la imagen ({size} px): la ventana debe "
                                         "caber dentro de la imagen.",
    "occlusion_window_too_large_width": "La ventana de oclusión ({window} px de ancho) es más "
                                        "ancha que la imagen ({size} px): la ventana debe caber "
                                        "dentro de la imagen.",
    "occlusion_stride_over_window_height": "El paso vertical ({stride} px) es mayor que la "
                                           "altura de la ventana ({window} px): el paso debe "
                                           "ser como mucho la ventana, o algunos píxeles nunca "
                                           "quedarían tapados.",
    "occlusion_stride_over_window_width": "El paso horizontal ({stride} px) es mayor que la "
                                          "anchura de la ventana ({window} px): el paso debe "
                                          "ser como mucho la ventana, o algunos píxeles nunca "
                                          "quedarían tapados.",
    "occlusion_too_many_passes": "Una ventana de {window} con paso {stride} sobre una imagen "
                                 "de {image} necesita {passes} pasadas hacia delante, más que "
                                 "las {limit} permitidas: usa un paso mayor.",
    "channel_stats": "{name} debe ser 1 o {channels} números finitos, uno por canal "
                     "(se recibió {value}).",
    "std_positive": "La desviación típica debe ser mayor que 0 en todos los canales "
                    "(se recibió {value}).",
    "occlusion_position_range": "La posición debe tener una fila entre 0 y {rows} (excluido) y "
                                "una columna entre 0 y {cols} (excluido) (se recibió fila "
                                "{row}, columna {col}).",
    "occlusion_base_shape": "Los valores del oclusor deben ser un tensor con la forma de la "
                            "imagen, {shape} (se recibió {value}).",
    "target_class_range": "La clase objetivo debe ser un índice de clase entre 0 y {high} "
                          "(se recibió {value}).",
    "occlusion_plan_mismatch": "El tamaño de imagen {image} no corresponde a este mapa de "
                               "oclusión ({rows}×{cols} posiciones de una ventana de {window}, "
                               "paso {stride}).",
    # core.interpret.saliency, sanity
    "baseline_tensor_shape": "La referencia (baseline) debe ser un tensor de coma flotante con "
                             "la forma de la imagen, {shape} (se recibió {value} {dtype}).",
    "gradcam_no_conv": "Grad-CAM necesita una capa convolucional, y este modelo no tiene "
                       "ninguna.",
    "gradcam_layer_not_maps": "Grad-CAM necesita una capa con mapas (C, H, W), pero {layer} "
                              "da la forma {shape}.",
    "spearman_sizes": "La correlación de rangos necesita dos arrays del mismo tamaño, al menos "
                      "2 (se recibieron {first} y {second}).",
    "sanity_methods": "Los métodos deben ser una lista no vacía de {choices} (se recibió "
                      "{value}).",
    "sanity_params": "Los parámetros deben asociar algunos de los métodos elegidos con sus "
                     "ajustes (se recibió {value}).",
    "sanity_too_many_maps": "{steps} pasos × {methods} métodos son más de {limit} mapas: elige "
                            "menos pasos o menos métodos.",
    # core.interpret.layers
    "activation_shape": "La activación debe ser un tensor (C, H, W) o (N,) (se recibió "
                        "{value}).",
    "layer_not_conv": "{layer} no es una capa convolucional ({kind}); elige una de estas: "
                      "{choices}.",
    "image_size_pair": "El tamaño de imagen debe ser (alto, ancho) con números enteros "
                       "positivos (se recibió {value}).",
    "layer_output_not_maps": "La capa debe dar mapas (C, H, W) o unidades (N,), pero {layer} "
                             "da la forma {shape}.",
    "images_uint8_batch": "Las imágenes deben ser un tensor uint8 (N, C, H, W) no vacío "
                          "(se recibió {value}).",
    "not_callable": "{name} debe ser una función o nada (se recibió {value}).",
    "channel_stats_finite": "{name} debe ser {channels} números finitos, uno por canal "
                            "(se recibió {value}).",
    "channel_stats_positive": "{name} debe ser {channels} números finitos positivos, uno por "
                              "canal (se recibió {value}).",
    # core.interpret.embeddings
    "vectors_not_matrix": "{name} debe ser un array numérico bidimensional (N, D) (se recibió "
                          "la forma {value} {dtype}).",
    "vectors_too_few_rows": "{name} debe tener al menos {low} filas (se recibieron {value}).",
    "vectors_not_finite": "{name} debe contener números finitos ({count} valores son NaN o "
                          "infinitos).",
    "dataset_type": "El conjunto de datos debe ser un core.data.datasets.Dataset (se recibió "
                    "{value}).",
    "labels_array": "{name} debe ser un array de enteros con forma ({count},) (se recibió "
                    "{value} {dtype}).",
    "arch_not_string": "La arquitectura debe ser un nombre o nada (se recibió {value}).",
    "feature_layer_missing": "La arquitectura {arch} toma sus características de {layer}, que "
                             "este modelo no tiene; sus capas son: {choices}.",
    "feature_no_linear": "El modelo no tiene ninguna capa lineal de la que tomar las "
                         "características; elige una de estas: {choices}.",
    "feature_linear_on_input": "La última capa lineal lee directamente la imagen de entrada; "
                               "elige una capa de estas: {choices}.",
    "feature_mode_vector": "El modo 'vector' necesita una capa con salidas (D,), pero {layer} "
                           "da {shape}: usa 'gap' o 'flatten'.",
    "feature_mode_gap": "El modo 'gap' necesita mapas (C, H, W), pero {layer} da {shape}: usa "
                        "'flatten'.",
    "features_dataset_empty": "El conjunto de datos está vacío: extraer características "
                              "necesita al menos una imagen.",
    "layer_output_not_tensor": "La capa {layer} no da un tensor; elige otra.",
    "features_too_much_memory": "{count} vectores de {dim} números necesitan {needed_mib} MiB; "
                                "el límite es {limit_mib} MiB. Usa el modo 'gap', una capa "
                                "posterior o menos imágenes.",
    "indices_range": "Los índices deben ser una lista no vacía de números enteros entre 0 y "
                     "{high}.",
    "pixels_too_much_memory": "{count} imágenes de {shape} necesitan más de {limit_mib} MiB "
                              "como números: usa menos.",
    "tsne_too_few_points": "El mapa t-SNE necesita al menos {low} puntos (se recibieron "
                           "{value}).",
    "perplexity_too_large": "La perplejidad debe ser menor que N/3 = {limit} para {count} "
                            "puntos (cada punto mira a sus 3 × perplejidad vecinos más "
                            "cercanos) (se recibió {value}).",
    "trust_rows_mismatch": "Los dos conjuntos de puntos necesitan el mismo número de filas "
                           "(se recibieron {first} y {second}).",
    "trust_k_too_large": "El número de vecinos debe ser menor que n/2 = {limit} para los "
                         "{count} puntos usados (se recibió {value}).",
    "labels_negative": "Las etiquetas deben ser 0 o más (se recibió {value}).",
    "csv_inputs": "La exportación a CSV necesita las características y la proyección.",
    "csv_points_mismatch": "La proyección tiene {points} puntos, pero las características "
                           "tienen {count}.",
    "csv_class_names": "Los nombres de clase deben cubrir todas las clases (al menos {low}) "
                       "(se recibieron {value}).",
    # core.style
    "style_layers_not_dict": "Las capas de estilo deben asociar cada capa con su peso "
                             "(se recibió {value}).",
    "style_layer_weight": "El peso de estilo de {layer} debe ser un número finito mayor o "
                          "igual que 0 (se recibió {value}).",
    "style_nothing_to_optimise": "No hay nada que optimizar: el peso del contenido, el peso "
                                 "del estilo (con al menos una capa de estilo por encima de 0) "
                                 "y el peso de suavidad (TV) valen todos 0.",
    "style_image_too_elongated": "La imagen mide {width}×{height}; con su lado largo a {size} "
                                 "px, su lado corto quedaría en {shorter} px, por debajo del "
                                 "mínimo de {minimum} (las capas conv5 están detrás de cuatro "
                                 "agrupaciones 2×2). Usa un tamaño mayor o una imagen menos "
                                 "alargada.",
    "style_config_type": "La configuración del estilo debe ser un StyleConfig (se recibió "
                         "{value}).",
    "style_blend_needs_second": "La mezcla de estilos vale {value}, pero no se dio una segunda "
                                "imagen de estilo.",
    "style_stage_steps": "Las etapas de lo grueso a lo fino deben ser una tupla de números "
                         "de pasos (se recibió {value}).",
    "style_stage_too_small": "{stages} etapas hasta {size} px empezarían a {coarsest} px, por "
                             "debajo del mínimo de {minimum}: usa menos etapas o un tamaño "
                             "mayor.",
    "style_one_stage": "Un StyleTransfer ejecuta una sola etapa; los ajustes de lo grueso a lo "
                       "fino los ejecuta CoarseToFine.",
    "style_size_cpu": "Una salida de {size} px necesita una GPU: en una CPU lo máximo son "
                      "{limit} px.",
    "style_memory": "Una etapa de {h}×{w} px necesita unos {need} GB de memoria en su pico, "
                    "por encima del presupuesto de {budget} GB. Elige un tamaño menor, la "
                    "agrupación media o capas menos profundas, o da a la variable de entorno "
                    "{variable} un valor mayor.",
    "style_memory_env": "La variable de entorno {name} debe ser un número de gigabytes mayor "
                        "que 0 (se recibió {value}).",
    "colour_shape": "La imagen {name} debe ser (1, 3, H, W) (se recibió la forma {value}).",
    "reconstruct_one_target": "Indica una capa de contenido o capas de estilo, pero no ambas "
                              "ni ninguna (se recibió capa de contenido {content}, capas de "
                              "estilo {style}).",
    "features_not_4d": "Las características deben ser (B, C, H, W) (se recibió la forma "
                       "{value}).",
    "layers_none": "Se necesita al menos una capa.",
    "vgg_too_short": "El extractor de características tiene {count} módulos, pero {layer} "
                     "necesita {needed}.",
    "vgg_unexpected_module": "Módulo inesperado {kind} en el índice {index} de las "
                             "características de VGG19.",
    "vgg_layer_past_end": "La capa {layer} queda más allá del final de este extractor de "
                          "características ({count} módulos).",
    "unkeyed": "Esta entrada no se puede usar. Detalle (en inglés): {detail}",
}

# The parameter names core puts in ``name=``, as a sentence says them. A name missing here is
# shown as it is, in code style (it is then the identifier a PyTorch user types).
NAMES_EN = {
    "kernel": "The kernel size",
    "stride": "The stride",
    "padding": "The padding",
    "dilation": "The dilation",
    "output_size": "The output size",
    "ceil_mode": "ceil_mode",
    "count_include_pad": "count_include_pad",
    "shape": "The matrix shape",
    "rows": "The number of rows",
    "cols": "The number of columns",
    "preset": "The example matrix",
    "temperature": "The temperature",
    "mode": "The mode",
    "the input size": "The input size",
    "the kernel size": "The kernel size",
    "epochs": "The number of epochs",
    "batch_size": "The batch size",
    "optimizer": "The optimiser",
    "lr": "The learning rate",
    "momentum": "The momentum",
    "nesterov": "Nesterov momentum",
    "weight_decay": "The weight decay",
    "val_fraction": "The validation fraction",
    "seed": "The seed",
    "augment": "Data augmentation",
    "device": "The device",
    "precision": "The precision",
    "seconds": "The time in seconds",
    "steps": "The number of steps",
    "surface": "The loss surface",
    "true": "The true class",
    "pred": "The predicted class",
    "image_size": "The image size",
    "test_fraction": "The test fraction",
    "max_images": "The maximum number of images",
    "dataset": "The dataset",
    "split": "The split",
    "sample": "The sample image",
    "arch": "The architecture",
    "option": "The option",
    "kernel_size": "The kernel size",
    "each of channels": "Each of the channels",
    "hidden": "The hidden layer size",
    "batch_norm": "Batch normalisation",
    "dropout": "The dropout rate",
    "num_classes": "The number of classes",
    "imagenet_model": "The ImageNet model",
    "layer": "The layer",
    "image_hw": "The image size",
    "window": "The occlusion window",
    "baseline": "The baseline",
    "mean": "The mean",
    "std": "The standard deviation",
    "channel": "The channel",
    "row": "The row",
    "col": "The column",
    "by": "The channel order",
    "max_steps": "The number of randomisation steps",
    "method": "The method",
    "interpolate": "The interpolation",
    "samples": "The number of samples",
    "noise_level": "The noise level",
    "how": "The channel reduction",
    "perplexity": "The perplexity",
    "iterations": "The number of iterations",
    "dims": "The number of dimensions",
    "metric": "The distance",
    "limit": "The number of images",
    "jitter": "The jitter",
    "l2_weight": "The L2 weight",
    "tv_weight": "The smoothness (TV) weight",
    "content_weight": "The content weight",
    "style_weight": "The style weight",
    "style_blend": "The style blend",
    "colour": "The colours",
    "init": "The starting image",
    "pooling": "The pooling",
    "weights": "The weights",
    "size": "The size",
    "vgg_layer": "The VGG19 layer",
}

NAMES_ES = {
    "kernel": "El tamaño del núcleo (kernel)",
    "stride": "El paso (stride)",
    "padding": "El relleno (padding)",
    "dilation": "La dilatación (dilation)",
    "output_size": "El tamaño de salida",
    "ceil_mode": "ceil_mode",
    "count_include_pad": "count_include_pad",
    "shape": "La forma de la matriz",
    "rows": "El número de filas",
    "cols": "El número de columnas",
    "preset": "La matriz de ejemplo",
    "temperature": "La temperatura",
    "mode": "El modo",
    "the input size": "El tamaño de la entrada",
    "the kernel size": "El tamaño del núcleo",
    "epochs": "El número de épocas",
    "batch_size": "El tamaño del lote",
    "optimizer": "El optimizador",
    "lr": "La tasa de aprendizaje",
    "momentum": "El momento (momentum)",
    "nesterov": "El momento de Nesterov",
    "weight_decay": "El decaimiento de pesos (weight decay)",
    "val_fraction": "La fracción de validación",
    "seed": "La semilla",
    "augment": "El aumento de datos",
    "device": "El dispositivo",
    "precision": "La precisión",
    "seconds": "El tiempo en segundos",
    "steps": "El número de pasos",
    "surface": "La superficie de pérdida",
    "true": "La clase real",
    "pred": "La clase predicha",
    "image_size": "El tamaño de imagen",
    "test_fraction": "La fracción de test",
    "max_images": "El número máximo de imágenes",
    "dataset": "El conjunto de datos",
    "split": "La partición",
    "sample": "La imagen de ejemplo",
    "arch": "La arquitectura",
    "option": "La opción",
    "kernel_size": "El tamaño del núcleo",
    "each of channels": "Cada uno de los canales",
    "hidden": "El tamaño de la capa oculta",
    "batch_norm": "La normalización por lotes (batch norm)",
    "dropout": "La tasa de dropout",
    "num_classes": "El número de clases",
    "imagenet_model": "El modelo de ImageNet",
    "layer": "La capa",
    "image_hw": "El tamaño de la imagen",
    "window": "La ventana de oclusión",
    "baseline": "La referencia (baseline)",
    "mean": "La media",
    "std": "La desviación típica",
    "channel": "El canal",
    "row": "La fila",
    "col": "La columna",
    "by": "El orden de los canales",
    "max_steps": "El número de pasos de aleatorización",
    "method": "El método",
    "interpolate": "La interpolación",
    "samples": "El número de muestras",
    "noise_level": "El nivel de ruido",
    "how": "La reducción de canales",
    "perplexity": "La perplejidad",
    "iterations": "El número de iteraciones",
    "dims": "El número de dimensiones",
    "metric": "La distancia",
    "limit": "El número de imágenes",
    "jitter": "El desplazamiento aleatorio (jitter)",
    "l2_weight": "El peso L2",
    "tv_weight": "El peso de suavidad (TV)",
    "content_weight": "El peso del contenido",
    "style_weight": "El peso del estilo",
    "style_blend": "La mezcla de estilos",
    "colour": "Los colores",
    "init": "La imagen inicial",
    "pooling": "La agrupación (pooling)",
    "weights": "Los pesos",
    "size": "El tamaño",
    "vgg_layer": "La capa de VGG19",
}

SAME_IN_ES = frozenset({"ceil_mode", "count_include_pad"})

# Messages of later areas live in their own modules (one owner each), merged here.
from dashboard.texts import (  # noqa: E402
    errors_featvis,
    errors_finetune,
    errors_imports,
    errors_inputs,
    errors_trust,
)

for _area in (errors_imports, errors_finetune, errors_trust, errors_inputs, errors_featvis):
    EN |= _area.EN
    ES |= _area.ES
    NAMES_EN |= _area.NAMES_EN
    NAMES_ES |= _area.NAMES_ES
    SAME_IN_ES |= _area.SAME_IN_ES
