#!/bin/bash
# As the official redis image's entrypoint: options alone mean redis-server, and the server runs as the
# redis user. The official binary is built with protected mode off; Debian's is not, so it is turned
# off here, before the caller's own options (which win).
set -euo pipefail
if [ "${1#-}" != "$1" ]; then
    set -- redis-server "$@"
fi
if [ "$1" = redis-server ]; then
    shift
    set -- redis-server --protected-mode no "$@"
    if [ "$(id -u)" = 0 ]; then
        exec setpriv --reuid=redis --regid=redis --init-groups "$@"
    fi
fi
exec "$@"
