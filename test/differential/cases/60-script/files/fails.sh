#!/bin/sh
echo "about to fail"
echo "failing" >&2
exit 3
