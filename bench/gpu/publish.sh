#!/usr/bin/env bash
# Run HERE (the .NET machine) before a device call: publishes the `engine` CLI and the bench self-contained for
# linux-x64 (the device machine has no .NET) and packs both into .gpu/app.tar.xz, which the device call carries:
#   run(command: "bash bench/gpu/run.sh", carry: [".gpu/app.tar.xz"])
# /.gpu/ is ignored by git (.gitignore), so nothing of it is committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf .gpu/app
dotnet publish src/Server -c Release -r linux-x64 --self-contained -nologo -v q -o .gpu/app/engine
dotnet publish bench -c Release -r linux-x64 --self-contained -nologo -v q -o .gpu/app/bench
tar -C .gpu -cJf .gpu/app.tar.xz app
ls -l .gpu/app.tar.xz
