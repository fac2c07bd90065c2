"""Lightning callbacks: the glue between training and ``xlprobe.probing``."""
