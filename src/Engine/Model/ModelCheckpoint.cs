using Loader.Config;
using Loader.Safetensors;

namespace Engine.Model;

/// <summary>
/// An opened HF model directory: its <see cref="ModelConfig"/> and memory-mapped <see cref="Weights"/>. Keep it
/// open while the weights are in use (the mapping closes on dispose).
/// </summary>
public sealed class ModelCheckpoint : IDisposable
{
    private readonly SafetensorsCheckpoint _checkpoint;

    private ModelCheckpoint(string directory, ModelConfig config, Weights weights, SafetensorsCheckpoint checkpoint)
    {
        Directory = directory;
        Config = config;
        Weights = weights;
        _checkpoint = checkpoint;
    }

    public string Directory { get; }

    public ModelConfig Config { get; }

    public Weights Weights { get; }

    /// <summary>
    /// Reads config.json (and generation_config.json's eos ids) and maps the safetensors files of
    /// <paramref name="directory"/>, then checks every tensor the config requires (name and shape) so a bad
    /// checkpoint fails here, naming the tensor, not in the middle of a forward pass.
    /// </summary>
    public static ModelCheckpoint Open(string directory)
    {
        var hf = HfModelConfig.Load(directory);
        var generation = GenerationConfig.Load(directory);
        var config = ModelLoader.ToModelConfig(hf, generation, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))));
        var checkpoint = SafetensorsCheckpoint.Open(directory);
        try
        {
            var weights = ModelLoader.LoadWeights(checkpoint, directory);
            LlamaWeights.Bind(config, weights);
            return new ModelCheckpoint(directory, config, weights, checkpoint);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    public void Dispose() => _checkpoint.Dispose();
}
