namespace Loader.Config;

/// <summary>
/// Thrown for a config.json or generation_config.json the engine cannot use: malformed JSON, a missing or
/// mistyped field, or an unsupported architecture, model type, activation or RoPE scaling type (the message
/// lists what is supported). Names the file and the field.
/// </summary>
public sealed class ModelConfigException : Exception
{
    public ModelConfigException(string file, string? field, string problem, Exception? inner = null)
        : base(field is null ? $"{file}: {problem}" : $"{file}: field '{field}': {problem}", inner)
    {
        File = file;
        Field = field;
        Problem = problem;
    }

    public ModelConfigException()
        : this("(unknown file)", null, "invalid model config")
    {
    }

    public ModelConfigException(string message)
        : this("(unknown file)", null, message)
    {
    }

    public ModelConfigException(string message, Exception innerException)
        : this("(unknown file)", null, message, innerException)
    {
    }

    public string File { get; }

    public string? Field { get; }

    public string Problem { get; }
}
