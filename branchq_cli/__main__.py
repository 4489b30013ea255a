import sys

from branchq_cli.main import main

sys.exit(main())
