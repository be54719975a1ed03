#!/bin/bash
# Prove the .deb on Debian 11 (bullseye, glibc 2.31): build the bundle *inside* a
# bullseye root (a bundle built on Debian 12 needs glibc >= 2.36), package it twice
# (VERSION and a higher VERSION_UP), install the first with apt, run demo/check/GUI
# under Xvfb with a fresh data folder, upgrade to the second and check the data folder
# survived. Run as root from anywhere:
#
#     sudo installer/prove_bullseye.sh            # root cached in /var/tmp/te-bullseye
#
# Two roots, both cached under /var/tmp: BROOT builds (compiler, Python, the system
# libraries PyInstaller copies into the bundle), TROOT is a clean minbase + Xvfb where the
# .deb is installed, so a missing Depends: shows up there.
# Env: BROOT, TROOT, MIRROR, KEEP_BUILD=1 (reuse the .debs built by a previous run),
# RUN_TESTS=1 (also run the whole test suite in the build root against its PySide6).
# Why PySide6 is pinned lower inside the root: see installer/README.md (".deb" section).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BROOT=${BROOT:-/var/tmp/te-bullseye}
TROOT=${TROOT:-/var/tmp/te-bullseye-test}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
OUT=${OUT:-/var/tmp/te-bullseye-out}
# PySide6 6.10+ wheels are manylinux_2_34 (glibc >= 2.34); the lock has 6.11.3.
PYSIDE_OVERRIDE=${PYSIDE_OVERRIDE:-pyside6<6.10}
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$REPO/desktop_app/__init__.py")
VERSION_UP=${VERSION_UP:-${VERSION}+up1}
PKG=township-enforcement

log() { printf '\n=== %s\n' "$*"; }

# 1. bullseye roots (cached)
mkroot() {  # dir, extra packages
    [ -x "$1/usr/bin/apt-get" ] && return 0
    log "debootstrap bullseye -> $1"
    debootstrap --variant=minbase --include="$2" bullseye "$1" "$MIRROR"
}
mkroot "$BROOT" ca-certificates,curl,binutils
mkroot "$TROOT" ca-certificates,xvfb,xauth,imagemagick

mounted=()
cleanup() {
    for ((i=${#mounted[@]}-1; i>=0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
mountroot() {
    local r=$1 m
    for m in proc sys dev dev/pts; do
        mountpoint -q "$r/$m" && continue
        case $m in
            proc) mount -t proc proc "$r/proc" ;;
            sys)  mount -t sysfs sys "$r/sys" ;;
            dev)  mount --bind /dev "$r/dev" ;;
            dev/pts) mount --bind /dev/pts "$r/dev/pts" ;;
        esac
        mounted+=("$r/$m")
    done
    cp /etc/resolv.conf "$r/etc/resolv.conf"
}
mountroot "$BROOT"
mountroot "$TROOT"
inroot() { chroot "$BROOT" /usr/bin/env -i HOME=/root PATH=/root/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
intest() { chroot "$TROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
# System libraries Qt links that PyInstaller copies into the bundle (as on the Debian 12 host).
inroot sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binutils \
    libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
    libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libxcb-xfixes0 \
    libxcb-sync1 libxcb-shm0 libxcb-glx0 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 \
    libfontconfig1 libfreetype6 libcups2 libx11-6 libx11-xcb1 libgl1 libegl1 libglib2.0-0 \
    libxrender1 libxext6 >/dev/null'
echo "glibc in root: $(inroot ldd --version | head -1)"

# 2. bundle + two .debs built inside the root
mkdir -p "$OUT"
if [ "${KEEP_BUILD:-0}" != 1 ] || [ ! -f "$OUT/${PKG}_${VERSION_UP}_amd64.deb" ]; then
    log "build inside the root"
    # the uv binary itself (a pyenv shim is a shell script that would not work in the root)
    UV_BIN=${UV_BIN:-$( (pyenv which uv 2>/dev/null) || readlink -f "$(command -v uv)")}
    cp "$UV_BIN" "$BROOT/usr/local/bin/uv"
    # the host's CA bundle (TLS to PyPI may go through a proxy with a local CA)
    cp /etc/ssl/certs/ca-certificates.crt "$BROOT/usr/local/share/host-ca-bundle.crt"
    rm -rf "$BROOT/root/src" && mkdir -p "$BROOT/root/src"
    (cd "$REPO" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$BROOT/root/src")
    inroot sh -euc "
        export SSL_CERT_FILE=/usr/local/share/host-ca-bundle.crt
        cd /root/src
        if [ ! -x /opt/py311/bin/python3.11 ]; then
            # uv python install needs github.com (unreachable here): build CPython 3.11
            # from Debian bookworm's source package, shared libpython for PyInstaller.
            echo 'deb-src $MIRROR bookworm main' > /etc/apt/sources.list.d/bookworm-src.list
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential dpkg-dev \
                libssl-dev zlib1g-dev libffi-dev libsqlite3-dev libbz2-dev liblzma-dev \
                libreadline-dev libncursesw5-dev uuid-dev libgdbm-dev >/dev/null
            mkdir -p /root/pysrc && cd /root/pysrc
            ls python3.11_*.orig.tar.* >/dev/null 2>&1 || apt-get source --download-only -qq python3.11
            rm -rf Python-3.11*/ && tar xf python3.11_*.orig.tar.* && cd Python-3.11*/
            ./configure -q --prefix=/opt/py311 --enable-shared LDFLAGS=-Wl,-rpath,/opt/py311/lib
            make -j\$(nproc) -s >/dev/null 2>&1
            make -s altinstall >/dev/null
            cd /root/src
        fi
        uv export --frozen --no-hashes --no-emit-project --group dev > /tmp/req.txt
        echo '$PYSIDE_OVERRIDE' > /tmp/override.txt
        echo '${PYSIDE_OVERRIDE/pyside6/pyside6-essentials}' >> /tmp/override.txt
        echo '${PYSIDE_OVERRIDE/pyside6/pyside6-addons}' >> /tmp/override.txt
        echo '${PYSIDE_OVERRIDE/pyside6/shiboken6}' >> /tmp/override.txt
        rm -rf /root/venv && uv venv -q -p /opt/py311/bin/python3.11 /root/venv
        VIRTUAL_ENV=/root/venv uv pip install -q -r /tmp/req.txt --override /tmp/override.txt
        VIRTUAL_ENV=/root/venv uv pip install -q --no-deps -e .
        /root/venv/bin/python -c 'import PySide6, sys; print(\"PySide6\", PySide6.__version__, \"Python\", sys.version.split()[0])'
        /root/venv/bin/python installer/build.py --skip-tests --no-lock-check
        /root/venv/bin/python installer/build_deb.py --compression gzip --out /root/out --version '$VERSION'
        /root/venv/bin/python installer/build_deb.py --compression gzip --out /root/out --version '$VERSION_UP'
    "
    cp "$BROOT/root/out/"*.deb "$OUT/"
fi
DEB1="${PKG}_${VERSION}_amd64.deb"
DEB2="${PKG}_${VERSION_UP}_amd64.deb"
cp "$OUT/$DEB1" "$OUT/$DEB2" "$TROOT/tmp/"

# 3. install, run
log "apt-get install ./$DEB1"
intest sh -c "dpkg --purge $PKG >/dev/null 2>&1 || true"  # a clean first install
intest sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/$DEB1" | tail -5
intest rm -rf /tmp/d
log "demo / check"
intest township-enforcement --data-dir /tmp/d demo --records 50
echo "demo exit $?"
intest township-enforcement --data-dir /tmp/d check
echo "check exit $?"

log "GUI under Xvfb"
intest sh -c '
    Xvfb :57 -screen 0 1280x800x24 >/tmp/xvfb.log 2>&1 & xpid=$!
    sleep 2
    DISPLAY=:57 QT_QPA_PLATFORM=xcb township-enforcement --data-dir /tmp/d >/tmp/gui.log 2>&1 & apid=$!
    sleep 8
    DISPLAY=:57 import -window root /tmp/bullseye-gui.png
    if kill -0 $apid 2>/dev/null; then echo "GUI still running after 8 s: OK"; kill $apid; wait $apid 2>/dev/null || true; gui=0
    else wait $apid; gui=$?; echo "GUI exited early with $gui"; cat /tmp/gui.log; fi
    kill $xpid; exit $gui
'
cp "$TROOT/tmp/bullseye-gui.png" "$OUT/bullseye-gui.png"
echo "screenshot: $OUT/bullseye-gui.png"

# 4. upgrade
log "upgrade to $DEB2"
before=$(intest sh -c 'cd /tmp/d && find . -type f | sort | xargs md5sum' | md5sum)
intest sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/$DEB2" | tail -3
intest dpkg-query -W $PKG
test -d "$TROOT/tmp/d" || { echo "data folder gone after upgrade"; exit 1; }
after=$(intest sh -c 'cd /tmp/d && find . -type f | sort | xargs md5sum' | md5sum)
[ "$before" = "$after" ] || { echo "data folder changed by the upgrade"; exit 1; }
echo "data folder unchanged by upgrade: yes"
intest township-enforcement --data-dir /tmp/d check
echo "check after upgrade exit $?"

# 5. purge: the program goes, the data folder stays as it was
log "dpkg --purge $PKG"
before=$(intest sh -c 'cd /tmp/d && find . -type f | sort | xargs md5sum' | md5sum)  # check may log
intest dpkg --purge $PKG | tail -2
[ ! -e "$TROOT/opt/$PKG" ] && [ ! -e "$TROOT/usr/bin/$PKG" ] || { echo "files left after purge"; exit 1; }
after=$(intest sh -c 'cd /tmp/d && find . -type f | sort | xargs md5sum' | md5sum)
[ "$before" = "$after" ] || { echo "data folder changed by purge"; exit 1; }
echo "data folder unchanged by purge: yes"

# 6. the test suite against the PySide6 the older systems get (a second lock in effect)
if [ "${RUN_TESTS:-0}" = 1 ]; then
    log "test suite in the build root ($(inroot /root/venv/bin/python -c 'import PySide6; print("PySide6", PySide6.__version__)'))"
    inroot sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        fontconfig poppler-utils fonts-hanazono fonts-symbola nsis libgssapi-krb5-2 >/dev/null'
    rm -rf "$BROOT/root/src" && mkdir -p "$BROOT/root/src"
    (cd "$REPO" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$BROOT/root/src")
    inroot sh -c 'cd /root/src && QT_QPA_PLATFORM=offscreen /root/venv/bin/python -m pytest -q -p no:cacheprovider' \
        | tail -5
fi
log "bullseye proof passed"
