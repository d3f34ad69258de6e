"""Running shared models: device/precision choice, the graph runner, backprop, incremental
passes."""
