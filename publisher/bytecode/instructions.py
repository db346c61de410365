"""The constant pool indexes a method's bytecode names (ldc, field and method access, new,
checkcast, ...), walking the instructions by their lengths (JVMS 6.5); an instruction that runs
past the code, or an opcode that does not exist, is a ClassFileProblem."""

from __future__ import annotations

import struct

from publisher.bytecode.errors import ClassFileProblem

_U2 = struct.Struct(">H")


# Instruction lengths (JVMS 6.5); 0 marks the variable ones (tableswitch, lookupswitch, wide).
_LENGTHS = bytearray([1] * 256)
for _op in (16, 18, *range(21, 26), *range(54, 59), 169, 188):
    _LENGTHS[_op] = 2
for _op in (17, 19, 20, 132, *range(153, 169), *range(178, 185), 187, 189, 192, 193, 198, 199):
    _LENGTHS[_op] = 3
for _op, _length in ((197, 4), (185, 5), (186, 5), (200, 5), (201, 5), (170, 0), (171, 0)):
    _LENGTHS[_op] = _length
_LENGTHS[196] = 0
_WIDE_INDEX = frozenset({19, 20, *range(178, 188), 189, 192, 193, 197})  # a u2 pool index follows


def pool_indexes(data: bytes, start: int, length: int) -> set[int]:
    """The constant pool indexes a method's instructions name (ldc, field/method access, new...)."""
    found: set[int] = set()
    at, end = start, start + length
    while at < end:
        op = data[at]
        if op > 201:
            raise ClassFileProblem(f"invalid opcode {op}", at)
        if op == 18:
            found.add(data[at + 1])
        elif op in _WIDE_INDEX:
            found.add(_U2.unpack_from(data, at + 1)[0])
        size = _LENGTHS[op] or _variable_length(data, start, at)
        at += size
    if at != end:
        raise ClassFileProblem("an instruction runs past the end of its method's code", end)
    return found


def _variable_length(data: bytes, start: int, at: int) -> int:
    op = data[at]
    if op == 196:  # wide: iinc takes 4 more bytes, a load or store 2
        return 6 if data[at + 1] == 132 else 4
    pad = (3 - (at - start)) % 4  # the operands start at a multiple of 4 from the code's start
    base = at + 1 + pad
    if op == 170:  # tableswitch: default, low, high, then high - low + 1 offsets
        low, high = struct.unpack_from(">ii", data, base + 4)
        if high < low:
            raise ClassFileProblem("a tableswitch whose high is below its low", at)
        return int(1 + pad + 12 + 4 * (high - low + 1))
    pairs = struct.unpack_from(">i", data, base + 4)[0]  # lookupswitch: default, npairs, pairs
    if pairs < 0:
        raise ClassFileProblem("a lookupswitch with a negative number of pairs", at)
    return int(1 + pad + 8 + 8 * pairs)
