#!/usr/bin/env python3
"""check-macho-signature.py FILE...: whether each Mach-O executable's embedded code signature
still matches its bytes (every page hash of its CodeDirectory), as macOS checks at start: on Apple
Silicon a binary whose pages do not match is killed. Prints one line per file; exits 1 when one has
no signature or a broken one. Not a full verification (no requirements, no certificate chain): an
ad-hoc signature has none.
"""
import hashlib
import struct
import sys

LC_CODE_SIGNATURE = 0x1D
SUPERBLOB = 0xFADE0CC0
CODEDIRECTORY = 0xFADE0C02
CS_ADHOC = 0x2
HASHES = {1: hashlib.sha1, 2: hashlib.sha256}


def check(path):
    """(ok, description) of FILE's signature."""
    with open(path, "rb") as f:
        data = f.read()
    if struct.unpack_from("<I", data, 0)[0] != 0xFEEDFACF:
        return False, "not a 64-bit little-endian Mach-O file"
    ncmds = struct.unpack_from("<I", data, 16)[0]
    offset, signature = 32, None
    for _ in range(ncmds):
        cmd, size = struct.unpack_from("<II", data, offset)
        if cmd == LC_CODE_SIGNATURE:
            signature = struct.unpack_from("<II", data, offset + 8)
        offset += size
    if signature is None:
        return False, "no code signature"
    start, length = signature
    blob = data[start : start + length]
    magic, _, count = struct.unpack_from(">III", blob, 0)
    if magic != SUPERBLOB:
        return False, "the signature is not a SuperBlob"
    for index in range(count):
        _, at = struct.unpack_from(">II", blob, 12 + 8 * index)
        if struct.unpack_from(">I", blob, at)[0] != CODEDIRECTORY:
            continue
        fields = struct.unpack_from(">IIIIIIIIIBBBB", blob, at)
        flags, hash_at, ident_at, code_slots, code_limit = fields[3], fields[4], fields[5], fields[7], fields[8]
        hash_size, hash_type, page_shift = fields[9], fields[10], fields[12]
        ident = blob[at + ident_at : blob.index(b"\0", at + ident_at)].decode()
        digest = HASHES[hash_type]
        page = 1 << page_shift
        bad = 0
        for slot in range(code_slots):
            begin = slot * page
            want = blob[at + hash_at + slot * hash_size : at + hash_at + (slot + 1) * hash_size]
            if digest(data[begin : min(begin + page, code_limit)]).digest()[:hash_size] != want:
                bad += 1
        kind = "ad-hoc" if flags & CS_ADHOC else "certificate"
        if code_limit != start:
            return False, f"{kind} signature ({ident}) covers {code_limit} bytes, the signature starts at {start}"
        if bad:
            return False, f"{kind} signature ({ident}): {bad} of {code_slots} pages do not match"
        return True, f"{kind} signature ({ident}), all {code_slots} pages match"
    return False, "the signature has no CodeDirectory"


def main(paths):
    failed = False
    for path in paths:
        ok, what = check(path)
        print(f"{path}: {'ok' if ok else 'BROKEN'}: {what}")
        failed = failed or not ok
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
