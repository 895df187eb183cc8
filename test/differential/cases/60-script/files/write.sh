#!/bin/sh
# Writes its first argument into a file in the directory its second names.
echo "args: $*"
echo "from the script: $1" > "$2/script-out-$1.txt"
echo "to stderr" >&2
