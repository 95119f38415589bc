#!/bin/sh
# Pre-configuration script (RFC 8572 §5.6 step 4): prepare the device before
# the configuration is applied. Exit 0 success, 1 warning, other error.
set -e
echo "pre-configuration: checking storage"
df -h / >/dev/null
exit 0
