namespace Loader.Adapters;

/// <summary>
/// A PEFT LoRA adapter that cannot be used: a missing or malformed <c>adapter_config.json</c>, an option we do
/// not support, a tensor whose name, rank or shape is wrong, or an A without its B. The message names the
/// adapter directory, the tensor or config field, and the problem.
/// </summary>
public sealed class LoraFormatException : Exception
{
    public LoraFormatException(string location, string problem, Exception? inner = null)
        : base($"{location}: {problem}", inner)
    {
        Location = location;
        Problem = problem;
    }

    public LoraFormatException()
        : this("(unknown adapter)", "invalid LoRA adapter")
    {
    }

    public LoraFormatException(string message)
        : this("(unknown adapter)", message)
    {
    }

    public LoraFormatException(string message, Exception innerException)
        : this("(unknown adapter)", message, innerException)
    {
    }

    /// <summary>The file, and the tensor or field within it, where the problem is.</summary>
    public string Location { get; }

    /// <summary>The problem alone.</summary>
    public string Problem { get; }
}
