#!/bin/sh
# Prints every .pipe file of the examples and the stdlib (not run workspaces under .pipec/).
root="$1"
find "$root/examples" "$root/stdlib" -name .pipec -prune -o -name '*.pipe' -type f -print | LC_ALL=C sort
