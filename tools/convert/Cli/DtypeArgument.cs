using Loader.Config;
using Loader.Safetensors;

namespace ConvertTool.Cli;

/// <summary>Parses the <c>--dtype f32|f16|bf16</c> option shared by the conversion commands.</summary>
internal static class DtypeArgument
{
    public const string Help = "Weight dtype of the output: f32, f16 or bf16.";

    public static SafetensorsDtype Parse(string text) =>
        TorchDtypes.TryParse(text, out var dtype) && dtype is SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16
            ? dtype
            : throw new ArgumentException($"--dtype '{text}' is not supported; use f32, f16 or bf16");
}
