using Loader.Safetensors;

namespace Engine.Model;

/// <summary>The one mapping between checkpoint element types and the engine's weight dtypes.</summary>
public static class DTypeMapping
{
    /// <summary>The engine dtype of a safetensors dtype, or null for types the engine does not compute in.</summary>
    public static DType? FromSafetensors(SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F32 => DType.F32,
        SafetensorsDtype.F16 => DType.F16,
        SafetensorsDtype.BF16 => DType.BF16,
        _ => null,
    };

    public static SafetensorsDtype ToSafetensors(DType dtype) => dtype switch
    {
        DType.F32 => SafetensorsDtype.F32,
        DType.F16 => SafetensorsDtype.F16,
        DType.BF16 => SafetensorsDtype.BF16,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown engine dtype"),
    };
}
