namespace ConvertTool.Gguf;

/// <param name="InputDirectory">A Hugging Face Llama-family directory (config.json, *.safetensors, tokenizer.json).</param>
/// <param name="OutputFile">The .gguf file to write.</param>
/// <param name="Type">Type of the 2-D weights; norms stay F32, and under Q8_0 a matrix whose rows are not a
/// multiple of 32 falls back to F16 (as llama.cpp's converter does).</param>
public sealed record GgufConversionOptions(string InputDirectory, string OutputFile, GgmlType Type);
