# Independent pure-Python check of the naive open_cp backtest: check_models.py's naive model (grid
# mask by intersection, CountingGridKernel, top_slice, hit counts), sharing no code with scrutineer.
# Usage: python3 check_naive.py region2790.geojson ss2790.csv > naive_py.csv (inputs: see
# check_models.py's header)
import sys

from check_models import main

main([sys.argv[0], 'naive', *sys.argv[1:]])
