namespace Server.Hosting;

/// <summary>What <c>engine serve</c> hands the engine factory: the models to load and the scheduler/cache sizes.</summary>
/// <param name="Models">Served name → model directory; empty = the built-in default model.</param>
/// <param name="MaxNumSeqs">Sequences the scheduler runs at once, or null for the engine default.</param>
/// <param name="KvBlocks">KV-cache blocks to allocate, or null to size from free memory.</param>
/// <param name="ChatTemplatePath">A Jinja file overriding every model's chat template, or null.</param>
public sealed record EngineSettings(
    IReadOnlyDictionary<string, string> Models, int? MaxNumSeqs, int? KvBlocks, string? ChatTemplatePath)
{
    /// <summary>LoRA adapters served over the models above (each base runs its adapters in one engine).</summary>
    public IReadOnlyList<LoraSetting> Loras { get; init; } = [];

    /// <summary>Reuse the KV blocks of cached prompt prefixes across requests (vLLM's automatic prefix caching).</summary>
    public bool EnablePrefixCaching { get; init; } = true;

    /// <summary>False: special-token text in prompts and message content encodes as text, not as the special id
    /// (<c>--no-parse-special</c>); the template's own special tokens stay special. True is Hugging Face's default.</summary>
    public bool ParseSpecial { get; init; } = true;

    /// <summary>Device, GPU memory share and KV-cache dtype (<c>--device</c>, <c>--gpu-memory-utilization</c>, <c>--kv-cache-dtype</c>).</summary>
    public Engine.Generation.EngineDevice Device { get; init; } = Engine.Generation.EngineDevice.Cpu;

    public double GpuMemoryUtilization { get; init; } = 0.9;

    /// <summary>Threads of the CPU backend (<c>--threads</c>); 0: every core.</summary>
    public int Threads { get; init; }

    public Engine.Model.DType? KvCacheDType { get; init; }

    /// <summary>Sample on the device when the model runs there (<c>--sampling-device</c>).</summary>
    public bool DeviceSampling { get; init; } = true;

    /// <summary>Where start-up reports go (device, weight upload, KV-cache size); null for none.</summary>
    public TextWriter? StartupLog { get; init; }
}
