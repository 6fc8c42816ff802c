#!/usr/bin/env python3
"""Marks one symbol-version requirement of an ELF64 shared library as weak, in place.

TorchSharp 0.107's libLibTorchSharp.so lists GLIBCXX_3.4.32 among the versions it needs from
libstdc++ (for std::ios_base_library_init, which it never calls), and Debian 12's libstdc++ stops
at 3.4.30, so the dynamic loader refuses the library. A requirement flagged VER_FLG_WEAK (0x2) in
its Elf64_Vernaux entry of the .gnu.version_r section is only a warning when missing; nothing
else in the file changes. Used by the benchmark project's after-build step on the copy in its
output folder, never on the NuGet cache.

usage: weak_version_need.py FILE VERSION [VERSION ...]     exit 0 also when already weak
"""
import os
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def patch(path, versions):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit(f"{path}: not a little-endian ELF64 file")
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(e_shnum):
        sh = struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize)
        sections.append(sh)  # name, type, flags, addr, offset, size, link, info, align, entsize
    found = {}
    for sh in sections:
        if sh[1] != SHT_GNU_VERNEED:
            continue
        strtab_off = sections[sh[6]][4]
        count = sh[7]  # sh_info: number of Verneed entries
        vn = sh[4]
        for _ in range(count):
            vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, vn)
            aux = vn + vn_aux
            for _ in range(vn_cnt):
                vna_hash, vna_flags, vna_other, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
                end = data.index(0, strtab_off + vna_name)
                name = data[strtab_off + vna_name:end].decode()
                if name in versions:
                    found[name] = bool(vna_flags & VER_FLG_WEAK)
                    struct.pack_into("<H", data, aux + 4, vna_flags | VER_FLG_WEAK)
                if vna_next == 0:
                    break
                aux += vna_next
            if vn_next == 0:
                break
            vn += vn_next
    missing = [v for v in versions if v not in found]
    if missing:
        # Nothing to do: a later build of the library may no longer ask for it.
        print(f"{path}: no requirement for {', '.join(missing)}; left as is")
    changed = [v for v, was_weak in found.items() if not was_weak]
    if changed:
        # A new file renamed over the old one, so a hard link into a package cache is never written through.
        tmp = path + ".weak.tmp"
        with open(tmp, "wb") as out:
            out.write(data)
        os.chmod(tmp, os.stat(path).st_mode)
        os.replace(tmp, path)
        print(f"{path}: marked weak: {', '.join(changed)}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    patch(sys.argv[1], sys.argv[2:])
