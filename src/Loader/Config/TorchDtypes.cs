using Loader.Safetensors;

namespace Loader.Config;

/// <summary>The <c>torch_dtype</c> spellings of config.json and the short ones of command lines (f32, f16, bf16).</summary>
public static class TorchDtypes
{
    /// <summary><c>"float32"</c>, <c>"float16"</c>, <c>"bfloat16"</c> or <c>"float64"</c>; other dtypes throw.</summary>
    public static string ToTorchName(SafetensorsDtype dtype) => dtype switch
    {
        SafetensorsDtype.F32 => "float32",
        SafetensorsDtype.F16 => "float16",
        SafetensorsDtype.BF16 => "bfloat16",
        SafetensorsDtype.F64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a floating-point model dtype"),
    };

    /// <summary>
    /// Parses torch names (<c>float32</c>, <c>float16</c>, <c>half</c>, <c>bfloat16</c>, <c>float</c>) and short
    /// ones (<c>f32</c>, <c>f16</c>, <c>bf16</c>, <c>fp32</c>, <c>fp16</c>), case-insensitively.
    /// </summary>
    public static bool TryParse(string text, out SafetensorsDtype dtype)
    {
        switch (text.Trim().ToLowerInvariant().Replace("torch.", "", StringComparison.Ordinal))
        {
            case "float32" or "float" or "f32" or "fp32":
                dtype = SafetensorsDtype.F32;
                return true;
            case "float16" or "half" or "f16" or "fp16":
                dtype = SafetensorsDtype.F16;
                return true;
            case "bfloat16" or "bf16":
                dtype = SafetensorsDtype.BF16;
                return true;
            case "float64" or "double" or "f64":
                dtype = SafetensorsDtype.F64;
                return true;
            default:
                dtype = SafetensorsDtype.F32;
                return false;
        }
    }
}
