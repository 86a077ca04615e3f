namespace ConvertTool.Lora;

/// <summary>Inputs of <c>convert merge-lora</c>: the base model directory, the PEFT adapter directory, the output, and the multiplier.</summary>
public sealed record LoraMergeOptions(string BaseDirectory, string AdapterDirectory, string OutputDirectory, double Multiplier = 1.0);
