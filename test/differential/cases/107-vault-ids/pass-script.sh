#!/bin/sh
# A vault password script: prints the password.
echo dev-pass
