#!/usr/bin/env bash
# Gradescope autograder setup for the SMTP lab: runs ONCE, as root, when
# Gradescope builds the autograder image. It builds smtp-harness from the
# source tarball shipped in the autograder zip and installs it on the PATH.
#
# The zip holds: setup.sh, run_autograder, lab_strict.yaml (or your own
# scenario) and smtp-harness-src.tar.gz (`git archive -o smtp-harness-src.tar.gz HEAD`
# in a checkout of smtp-harness). See docs/grading.md.
set -euo pipefail
cd /autograder/source

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Build needs C++20 (g++ 12 or newer) and Asio 1.22 or newer: a Debian 12 or
# Ubuntu 24.04 base image.
apt-get install -y -qq --no-install-recommends \
  python3 g++ cmake make pkg-config \
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libgtest-dev libgmock-dev \
  libasio-dev libssl-dev libc-ares-dev

rm -rf /opt/smtp-harness
mkdir -p /opt/smtp-harness
tar -xzf smtp-harness-src.tar.gz -C /opt/smtp-harness
cmake -S /opt/smtp-harness -B /opt/smtp-harness/build -DCMAKE_BUILD_TYPE=Release
cmake --build /opt/smtp-harness/build -j "$(nproc)" --target smtp-harness
install -m 0755 /opt/smtp-harness/build/smtp-harness /usr/local/bin/smtp-harness
smtp-harness --version
