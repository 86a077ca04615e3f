namespace ConvertTool.Llama2c;

/// <summary>What <c>convert llama2c</c> wrote: the files (full paths) and the parameter count (legacy RoPE tables excluded).</summary>
public sealed record Llama2cConversionResult(IReadOnlyList<string> Files, long ParameterCount);
