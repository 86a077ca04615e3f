namespace Engine.Lora;

/// <summary>A LoRA adapter for an engine to load: the name requests select it by and its PEFT directory.</summary>
public sealed record LoraAdapterSpec(string Name, string Directory);
