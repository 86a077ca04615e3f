#!/usr/bin/env bash
# Run HERE (the .NET machine) before a device call: publishes the `engine` CLI and the bench self-contained for
# linux-x64 (the device machine has no .NET) into one folder, so the runtime they share is packed once, and packs it
# into .gpu/app.tar.xz (under the device tool's 64 MiB carry limit), which the device call carries:
#   run(command: "bash bench/gpu/run.sh", carry: [".gpu/app.tar.xz"])
# llama.cpp's native libraries (LLamaSharp, the CPU yardstick of cpu-forward) are left out: no GPU suite uses them.
# /.gpu/ is ignored by git (.gitignore), so nothing of it is committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf .gpu/app .gpu/app.tar.xz
dotnet publish src/Server -c Release -r linux-x64 --self-contained -nologo -v q -o .gpu/app
dotnet publish bench -c Release -r linux-x64 --self-contained -nologo -v q -o .gpu/app
rm -rf .gpu/app/runtimes/linux-x64/native
tar -C .gpu -cJf .gpu/app.tar.xz app
size=$(stat -c %s .gpu/app.tar.xz)
echo ".gpu/app.tar.xz: $((size >> 20)) MiB"
[ "$size" -lt $((64 << 20)) ] || { echo "publish: .gpu/app.tar.xz is over the 64 MiB carry limit" >&2; exit 1; }
