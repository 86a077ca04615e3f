namespace Server.Hosting;

/// <summary>One <c>--lora NAME=ADAPTER_DIR@BASE</c>: serve the PEFT adapter in <paramref name="Directory"/> over the served model <paramref name="BaseModel"/> as <paramref name="Name"/>.</summary>
public sealed record LoraSetting(string Name, string Directory, string BaseModel);
