using Kernels.IR;

namespace Kernels.Frontend;

/// <summary>
/// What the IL evaluation stack holds during translation: an IR scalar, a struct (its fields, flattened),
/// the address of a translator variable (ldloca/ldarga/ldflda), or a real device pointer.
/// </summary>
internal abstract record StackValue;

internal sealed record ScalarValue(Value Value) : StackValue;

internal sealed record StructValue(Type ClrType, StackValue[] Fields) : StackValue;

/// <summary>The address of a local, argument or field of one: reads and writes go to its SSA variables.</summary>
internal sealed record SlotAddress(Slot Slot) : StackValue;

/// <summary>A device address in global or shared memory (the IR value's pointer type says which).</summary>
internal sealed record PointerAddress(Value Pointer) : StackValue;
