using Engine.Backends;
using Engine.Lora;
using Engine.Model;
using Loader.Adapters;

namespace Engine.Generation;

public sealed partial class LlmEngine
{
    /// <summary>The names of the engine's LoRA adapters (<see cref="EngineOptions.LoraAdapters"/>), in id order.</summary>
    public IReadOnlyList<string> LoraNames => _loraNames;

    /// <summary>The id of LoRA adapter <paramref name="name"/>; throws <see cref="ArgumentException"/> for a name the engine has not loaded.</summary>
    public int LoraIdOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var id = Array.IndexOf(_loraNames, name);
        return id >= 0
            ? id
            : throw new ArgumentException($"Unknown LoRA adapter '{name}' (loaded: {(_loraNames.Length == 0 ? "none" : string.Join(", ", _loraNames))}).", nameof(name));
    }

    // Opens every adapter and checks it against the model before anything is served: LoraAdapterSet.Add names the
    // module and tensor whose rank or shape does not fit, and the message is prefixed with the adapter's name.
    private static LoraAdapter[] OpenAdapters(IReadOnlyList<LoraAdapterSpec> specs)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var opened = new List<LoraAdapter>(specs.Count);
        try
        {
            foreach (var spec in specs)
            {
                if (!names.Add(spec.Name))
                {
                    throw new ArgumentException($"LoRA adapter name '{spec.Name}' is given twice.", nameof(specs));
                }
                opened.Add(Named(spec.Name, () => LoraAdapter.Open(spec.Directory)));
            }
            return [.. opened];
        }
        catch
        {
            opened.ForEach(a => a.Dispose());
            throw;
        }
    }

    private static LoraAdapterSet? UploadAdapters(ModelConfig config, IBackend backend, IReadOnlyList<LoraAdapterSpec> specs, LoraAdapter[] adapters)
    {
        if (adapters.Length == 0)
        {
            return null;
        }
        var set = new LoraAdapterSet(config, backend, adapters.SelectMany(a => a.Modules).Select(m => m.Rank).DefaultIfEmpty(1).Max());
        for (var i = 0; i < adapters.Length; i++)
        {
            Named(specs[i].Name, () => set.Add(adapters[i]));
        }
        return set;
    }

    private static T Named<T>(string name, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (LoraFormatException e)
        {
            throw new LoraFormatException($"LoRA adapter '{name}' ({e.Location})", e.Problem, e);
        }
    }
}
