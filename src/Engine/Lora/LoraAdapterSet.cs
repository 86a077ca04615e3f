using Engine.Backends;
using Engine.Model;
using Loader.Adapters;

namespace Engine.Lora;

/// <summary>
/// The LoRA adapters a model can run unmerged, uploaded once to its backend: id → per layer, per projection, A
/// (rank, in) and Bᵀ (rank, out) widened to float32, and the module's scale (alpha / r). A batch selects an
/// adapter per sequence by id (<c>ForwardBatch.AddSequence(..., loraId, loraMultiplier)</c>), and
/// <see cref="LlamaModel"/> adds <c>scale · multiplier · (x Aᵀ) Bᵀ</c> after each adapted projection. Adapters
/// stay loaded for the backend's lifetime; the shrink workspace is sized once for <see cref="MaxRank"/>.
/// </summary>
public sealed class LoraAdapterSet
{
    private static readonly int NumProjections = Enum.GetValues<LoraProjection>().Length;

    private readonly ModelConfig _config;
    private readonly IBackend _backend;
    private readonly List<LoraDeviceModule?[]> _adapters = [];
    private readonly List<string> _names = [];
    private readonly List<LoraAdapter> _hosts = [];

    /// <param name="maxRank">The largest rank <see cref="Add"/> accepts (sizes the model's shrink buffer).</param>
    public LoraAdapterSet(ModelConfig config, IBackend backend, int maxRank)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRank, 1);
        config.Validate();
        _config = config;
        _backend = backend;
        MaxRank = maxRank;
    }

    public int MaxRank { get; }

    public int Count => _adapters.Count;

    /// <summary>The directory adapter <paramref name="id"/> was loaded from.</summary>
    public string NameOf(int id) => _names[id];

    /// <summary>The host adapter behind <paramref name="id"/> (kept, not owned: <see cref="LoraMergeCache"/> merges from it).</summary>
    public LoraAdapter AdapterOf(int id) => _hosts[id];

    /// <summary>
    /// Checks every module of <paramref name="adapter"/> against the model (layer in range, A (rank, in) and B (out,
    /// rank) matching the projection's (out, in), rank ≤ <see cref="MaxRank"/>), uploads it, and returns the new
    /// adapter id (0, 1, ...). Throws <see cref="LoraFormatException"/> naming the module and tensor otherwise;
    /// nothing is uploaded then.
    /// </summary>
    public int Add(LoraAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        foreach (var module in adapter.Modules)
        {
            Check(adapter, module);
        }
        var modules = new LoraDeviceModule?[_config.NumLayers * NumProjections];
        foreach (var module in adapter.Modules)
        {
            modules[Index(module.Layer, module.Projection)] = Upload(module);
        }
        _adapters.Add(modules);
        _names.Add(adapter.Directory);
        _hosts.Add(adapter);
        return _adapters.Count - 1;
    }

    /// <summary>The device weights of adapter <paramref name="id"/> at (layer, projection); null when it does not adapt it.</summary>
    internal LoraDeviceModule? Get(int id, int layer, LoraProjection projection) => _adapters[id][Index(layer, projection)];

    private static int Index(int layer, LoraProjection projection) => layer * NumProjections + (int)projection;

    private void Check(LoraAdapter adapter, LoraModule module)
    {
        var where = $"{adapter.Directory}: module '{module.ModuleName}'";
        if ((uint)module.Layer >= (uint)_config.NumLayers)
        {
            throw new LoraFormatException(where, $"adapts layer {module.Layer} but the model has {_config.NumLayers} layers");
        }
        if (module.Rank > MaxRank)
        {
            throw new LoraFormatException($"{where}, tensor '{module.A.Name}'", $"has rank {module.Rank}, above the engine's maximum LoRA rank {MaxRank}");
        }
        var (outF, inF) = Shape(module.Projection);
        if (module.A.Shape[0] != module.Rank || module.A.Shape[1] != inF)
        {
            throw new LoraFormatException($"{where}, tensor '{module.A.Name}'",
                $"is [{string.Join(", ", module.A.Shape)}] but the model's {module.Projection} projection needs [rank {module.Rank}, in {inF}]");
        }
        if (module.B.Shape[0] != outF || module.B.Shape[1] != module.Rank)
        {
            throw new LoraFormatException($"{where}, tensor '{module.B.Name}'",
                $"is [{string.Join(", ", module.B.Shape)}] but the model's {module.Projection} projection needs [out {outF}, rank {module.Rank}]");
        }
    }

    // (out, in) of each projection's weight, as HF stores it.
    private (int Out, int In) Shape(LoraProjection projection) => projection switch
    {
        LoraProjection.Q => (_config.QDim, _config.Dim),
        LoraProjection.K or LoraProjection.V => (_config.KvDim, _config.Dim),
        LoraProjection.O => (_config.Dim, _config.QDim),
        LoraProjection.Gate or LoraProjection.Up => (_config.HiddenDim, _config.Dim),
        _ => (_config.Dim, _config.HiddenDim),
    };

    private LoraDeviceModule Upload(LoraModule module)
    {
        int rank = module.Rank, outF = module.OutFeatures;
        var a = module.A.ToFloat32Array();
        var b = module.B.ToFloat32Array();
        var bT = new float[rank * outF];
        for (var o = 0; o < outF; o++)
        {
            for (var j = 0; j < rank; j++)
            {
                bT[j * outF + o] = b[o * rank + j];
            }
        }
        var deviceA = _backend.LoadWeight(WeightTensor.FromFloats(module.A.Name, a, [rank, module.InFeatures]));
        var deviceBT = _backend.LoadWeight(WeightTensor.FromFloats(module.B.Name + " (transposed)", bT, [rank, outF]));
        return new LoraDeviceModule(deviceA, deviceBT, (float)module.Scale, rank);
    }
}
