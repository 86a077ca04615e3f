namespace Engine.Model;

/// <summary>Element type of a weight tensor. Kernels widen F16 and BF16 to float32 in registers.</summary>
public enum DType
{
    F32,
    F16,
    BF16,
}
