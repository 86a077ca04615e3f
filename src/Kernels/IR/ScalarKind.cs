namespace Kernels.IR;

/// <summary>The register kinds of the IR. Small integers exist only in memory; in registers they widen to I32.</summary>
public enum ScalarKind : byte
{
    Void, Pred, I8, I16, I32, I64, F16, BF16, F32, F64, Ptr, Tuple,
}
