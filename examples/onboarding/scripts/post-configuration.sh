#!/bin/sh
# Post-configuration script (RFC 8572 §5.6 step 6): runs after the
# configuration is committed. Exit 0 success, 1 warning, other error.
echo "post-configuration: configuration applied"
exit 0
