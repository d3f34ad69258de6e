"""CNN Lab core: the algorithms, in packages that show the architecture.

runtime (device/precision, the graph runner), teach (numpy-only maths), models, data, train,
interpret, style; plus the leaf modules checks (input checks, ``InputError``) and paths.
Never imports streamlit or plotly; README.md's "Architecture" says what may import what.
"""
