"""Pooling Calculator page text, English and Spanish.

``op_<key>`` and ``preset_<key>`` name core's pooling operations (``core.teach.pooling.OPS``)
and matrix presets (``core.teach.matrices.PRESETS``); the English is core's own title. The
``formula_*`` templates are the words of core's output-size formulas (the page rebuilds them
from the result, with the same numbers, in the user's language).
"""

EN = {
    "title": "Pooling Calculator",
    "intro": "Edit a small matrix, choose a pooling operation and its parameters, and follow "
    "every window to the number it produces.",
    "theory_title": "Theory: what pooling does",
    "theory": """
A **pooling layer** shrinks each feature map by summarising small windows of it. It has no
weights to learn: the same rule is applied to every window, and each channel is pooled on its
own. Shrinking the maps makes the next layers cheaper, widens what each later unit "sees"
(its receptive field), and makes the answer less sensitive to small shifts of the input.

* **Max pooling** keeps the largest value of each window — "was this feature present
  anywhere here?". With a 2×2 window and stride 2, a 4×4 map becomes 2×2.
  During back-propagation the gradient of each output goes only to the input cell that won
  the max; every other cell gets zero (tick *Show gradient routing* below).
* **Average pooling** keeps the mean of each window. With padding, *count_include_pad*
  decides whether the padded zeros count in the divisor.
* **Global average pooling** averages the whole map to one number per channel (Lin et al.,
  2013, *Network in Network*): it replaces a large fully-connected layer at the end of many
  modern CNNs. **Global max pooling** keeps the single largest value.
* **Adaptive average pooling** chooses the windows itself so that the output has the size you
  ask for: window *i* spans rows ⌊i·H/out⌋ up to, but not including, ⌈(i+1)·H/out⌉.

**Output size.** For a dimension of size *n*, kernel *k*, stride *s*, padding *p* and
dilation *d*: n_out = ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1 (⌈…⌉ with *ceil_mode*, as long as
the last window still starts inside the input or its left padding).

Example from the course notes: the 4×4 matrix preset below gives [[4, 8], [6, 9]] with 2×2 max
pooling, stride 2, and its global average is 69 / 16 = 4.3125.

Further reading: Scherer, Müller & Behnke (2010), [Evaluation of pooling operations in
convolutional architectures](https://doi.org/10.1007/978-3-642-15825-4_10);
[PyTorch pooling layers](https://pytorch.org/docs/stable/nn.html#pooling-layers).
""",
    "input_header": "1. Input matrix",
    "preset": "Preset",
    "rows": "Rows",
    "cols": "Columns",
    "seed": "Seed",
    "load": "Load preset",
    "preset_notes": "Course notes example (4×4)",
    "preset_random_int": "Random integers 0–9",
    "preset_random_float": "Random decimals 0–1",
    "preset_ramp": "Ramp (row + column)",
    "preset_checkerboard": "Checkerboard",
    "preset_spot": "One bright cell",
    "text_help": "One row per line; numbers separated by spaces, commas or semicolons. "
    "Python/NumPy list syntax such as [[1, 2], [3, 4]] works too. At most 32×32.",
    "grid_help": "Click a cell to edit it. Load a preset to change the size.",
    "params_header": "2. Operation and parameters",
    "op": "Operation",
    "op_max": "Max pooling",
    "op_avg": "Average pooling",
    "op_global_avg": "Global average pooling",
    "op_global_max": "Global max pooling",
    "op_adaptive_avg": "Adaptive average pooling",
    "square": "Same value for height and width",
    "kernel": "Kernel",
    "stride": "Stride",
    "padding": "Padding",
    "dilation": "Dilation",
    "output_size": "Output size",
    "ceil_mode": "ceil_mode (round the output size up)",
    "count_include_pad": "count_include_pad (padded zeros count in the divisor)",
    "result_header": "3. Result",
    "input_shape": "Input",
    "output_shape": "Output",
    "formula": "Output-size formula",
    "formula_global_rows": "{label} = 1 (global: one window spans all {n} rows)",
    "formula_global_cols": "{label} = 1 (global: one window spans all {n} columns)",
    "formula_adaptive_rows": "{label} = {out} (chosen); window i covers rows from start = "
    "⌊i·{n}/{out}⌋ up to end = ⌈(i+1)·{n}/{out}⌉ (exclusive): {listed}",
    "formula_adaptive_cols": "{label} = {out} (chosen); window i covers columns from start = "
    "⌊i·{n}/{out}⌋ up to end = ⌈(i+1)·{n}/{out}⌉ (exclusive): {listed}",
    "formula_dropped": " − 1 = {out} (ceil_mode drops the last window: it would start at index "
    "{start}, past the last input index {last})",
    "input_heatmap": "Input",
    "output_heatmap": "Output",
    "copy": "Result as text",
    "walk_header": "4. Step through the windows",
    "window": "Window",
    "prev": "◀ Previous",
    "next": "Next ▶",
    "win_where": "Output cell **({i}, {j})** looks at input rows {r0}–{r1}, columns {c0}–{c1}.",
    "win_max": "Max = **{value}**, found at input cell ({r}, {c}) (orange).",
    "win_pad_max": "{n} window cell(s) fall on padding, which counts as −∞ and never wins.",
    "win_avg": "Sum = {total}, divided by {divisor} → **{value}**.",
    "win_pad_avg": "{n} window cell(s) fall on padding (zeros); count_include_pad decides "
    "whether they count in the divisor.",
    "win_all_pad": "Every cell of this window falls on padding, so the output is −∞ (torch "
    "gives the same).",
    "routing": "Show gradient routing (max pooling)",
    "routing_caption": "Each input cell shows how many outputs send their gradient to it "
    "(upstream gradient of 1 everywhere). Cells that never win a max get 0.",
    "routing_title": "Gradient routed back to the input",
    "bad_matrix": "The matrix cannot be used: {error}",
    "bad_params": "These parameters cannot be used: {error}",
}

ES = {
    "title": "Calculadora de agrupación (pooling)",
    "intro": "Edita una matriz pequeña, elige una operación de agrupación y sus parámetros, y "
    "sigue cada ventana hasta el número que produce.",
    "theory_title": "Teoría: qué hace la agrupación (pooling)",
    "theory": """
Una **capa de agrupación** (*pooling layer*) reduce cada mapa de características resumiendo
pequeñas ventanas de él. No tiene pesos que aprender: aplica la misma regla fija a todas las
ventanas, y cada canal se agrupa por separado, así que el número de canales no cambia. Al
encoger los mapas, las capas siguientes calculan menos (y la capa totalmente conectada del
final necesita menos parámetros), cada unidad posterior «ve» una zona más amplia de la
imagen (su campo receptivo crece) y la respuesta de la red depende menos de pequeños
desplazamientos de la entrada: si un rasgo se mueve un píxel sin salir de su ventana, el
máximo de esa ventana no cambia.

* **Agrupación máxima** (*max pooling*): se queda con el valor más alto de cada ventana, como
  si preguntara «¿aparece esta característica en algún punto de esta zona?». Con una ventana
  de 2×2 y paso 2, un mapa de 4×4 se convierte en uno de 2×2. En la retropropagación, el
  gradiente de cada salida va solo a la celda de la entrada que dio el máximo; las demás
  celdas reciben cero (marca *Mostrar el recorrido del gradiente*, más abajo).
* **Agrupación promedio** (*average pooling*): se queda con la media de cada ventana. Si hay
  relleno, *count_include_pad* decide si los ceros del relleno cuentan en el divisor.
* **Agrupación promedio global** (*global average pooling*): promedia el mapa entero y deja un
  solo número por canal (Lin et al., 2013, *Network in Network*); en muchas CNN modernas
  sustituye a una gran capa totalmente conectada al final de la red. La **agrupación máxima
  global** se queda con el valor más alto de todo el mapa.
* **Agrupación promedio adaptativa** (*adaptive average pooling*): elige ella misma las
  ventanas para que la salida tenga el tamaño que le pidas: la ventana *i* abarca desde la fila
  ⌊i·H/out⌋ hasta la ⌈(i+1)·H/out⌉, esta última sin incluir.

**Tamaño de la salida.** En una dimensión de tamaño *n* (el alto o el ancho), con núcleo *k*,
paso *s*, relleno *p* y dilatación *d*: n_out = ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1. Con
*ceil_mode* se redondea hacia arriba (⌈…⌉), siempre que la última ventana empiece dentro de la
entrada o de su relleno izquierdo.

Ejemplo de los apuntes del curso: la matriz de 4×4 que aparece abajo da [[4, 8], [6, 9]] con
agrupación máxima de 2×2 y paso 2, y su promedio global es 69 / 16 = 4,3125.

Para saber más: Scherer, Müller y Behnke (2010), [Evaluation of pooling operations in
convolutional architectures](https://doi.org/10.1007/978-3-642-15825-4_10);
[las capas de agrupación de PyTorch](https://pytorch.org/docs/stable/nn.html#pooling-layers).
""",
    "input_header": "1. Matriz de entrada",
    "preset": "Matriz predefinida",
    "rows": "Filas",
    "cols": "Columnas",
    "seed": "Semilla",
    "load": "Cargar la matriz",
    "preset_notes": "Ejemplo de los apuntes (4×4)",
    "preset_random_int": "Enteros aleatorios del 0 al 9",
    "preset_random_float": "Decimales aleatorios entre 0 y 1",
    "preset_ramp": "Rampa (fila + columna)",
    "preset_checkerboard": "Tablero de ajedrez",
    "preset_spot": "Una sola celda brillante",
    "text_help": "Una fila por línea; separa los números con espacios, comas o puntos y coma, y "
    "escribe los decimales con punto (2.5), porque la coma separa números. También vale la "
    "sintaxis de listas de Python/NumPy, como [[1, 2], [3, 4]]. Como máximo, 32×32.",
    "grid_help": "Haz clic en una celda para editarla. Para cambiar el tamaño, carga una matriz "
    "predefinida.",
    "params_header": "2. Operación y parámetros",
    "op": "Operación",
    "op_max": "Agrupación máxima (max pooling)",
    "op_avg": "Agrupación promedio (average pooling)",
    "op_global_avg": "Agrupación promedio global",
    "op_global_max": "Agrupación máxima global",
    "op_adaptive_avg": "Agrupación promedio adaptativa",
    "square": "El mismo valor para el alto y el ancho",
    "kernel": "Núcleo (kernel)",
    "stride": "Paso (stride)",
    "padding": "Relleno (padding)",
    "dilation": "Dilatación (dilation)",
    "output_size": "Tamaño de salida",
    "ceil_mode": "ceil_mode (redondea hacia arriba el tamaño de salida)",
    "count_include_pad": "count_include_pad (los ceros del relleno cuentan en el divisor)",
    "result_header": "3. Resultado",
    "input_shape": "Entrada",
    "output_shape": "Salida",
    "formula": "Fórmula del tamaño de salida",
    "formula_global_rows": "{label} = 1 (global: una sola ventana abarca las {n} filas)",
    "formula_global_cols": "{label} = 1 (global: una sola ventana abarca las {n} columnas)",
    "formula_adaptive_rows": "{label} = {out} (elegido); la ventana i abarca las filas desde "
    "inicio = ⌊i·{n}/{out}⌋ hasta fin = ⌈(i+1)·{n}/{out}⌉ (sin incluirlo): {listed}",
    "formula_adaptive_cols": "{label} = {out} (elegido); la ventana i abarca las columnas desde "
    "inicio = ⌊i·{n}/{out}⌋ hasta fin = ⌈(i+1)·{n}/{out}⌉ (sin incluirlo): {listed}",
    "formula_dropped": " − 1 = {out} (ceil_mode descarta la última ventana: empezaría en el "
    "índice {start}, más allá del último índice de la entrada, {last})",
    "input_heatmap": "Entrada",
    "output_heatmap": "Salida",
    "copy": "Resultado como texto (listas de Python, decimales con punto)",
    "walk_header": "4. Recorre las ventanas una a una",
    "window": "Ventana",
    "prev": "◀ Anterior",
    "next": "Siguiente ▶",
    "win_where": "La celda de salida **({i}, {j})** mira las filas {r0}–{r1} y las columnas "
    "{c0}–{c1} de la entrada.",
    "win_max": "Máximo = **{value}**, en la celda ({r}, {c}) de la entrada (en naranja).",
    "win_pad_max": "Celdas de la ventana que caen en el relleno: {n}. El relleno cuenta como −∞ "
    "y nunca gana.",
    "win_avg": "Suma = {total}, dividida entre {divisor} → **{value}**.",
    "win_pad_avg": "Celdas de la ventana que caen en el relleno (ceros): {n}. count_include_pad "
    "decide si cuentan en el divisor.",
    "win_all_pad": "Todas las celdas de esta ventana caen en el relleno, así que la salida es "
    "−∞ (torch da lo mismo).",
    "routing": "Mostrar el recorrido del gradiente (agrupación máxima)",
    "routing_caption": "Cada celda de la entrada muestra cuántas salidas le envían su gradiente "
    "(si a cada salida le llega un gradiente de 1). Las celdas que nunca dan el máximo reciben 0.",
    "routing_title": "Gradiente que vuelve a la entrada",
    "bad_matrix": "No se puede usar la matriz: {error}",
    "bad_params": "No se pueden usar estos parámetros: {error}",
}
