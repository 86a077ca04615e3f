namespace Loader.Safetensors;

/// <summary>
/// The one exception every safetensors reader, validator and writer throws for bad input: a header that is
/// too long or not JSON, a tensor whose offsets leave the data section, overlap another tensor or disagree
/// with its shape and dtype, duplicate names, bad metadata, an unsupported dtype conversion, a shard index
/// that names a missing tensor. The message names the file, the tensor (when there is one) and the problem.
/// </summary>
public sealed class SafetensorsFormatException : Exception
{
    public SafetensorsFormatException(string file, string? tensor, string problem, Exception? inner = null)
        : base(Format(file, tensor, problem), inner)
    {
        File = file;
        Tensor = tensor;
        Problem = problem;
    }

    public SafetensorsFormatException()
        : this("(unknown file)", null, "invalid safetensors data")
    {
    }

    public SafetensorsFormatException(string message)
        : this("(unknown file)", null, message)
    {
    }

    public SafetensorsFormatException(string message, Exception innerException)
        : this("(unknown file)", null, message, innerException)
    {
    }

    /// <summary>The file (or index) being read or written.</summary>
    public string File { get; }

    /// <summary>The tensor the problem concerns, or null when it concerns the whole file.</summary>
    public string? Tensor { get; }

    /// <summary>The problem alone, without the file and tensor.</summary>
    public string Problem { get; }

    private static string Format(string file, string? tensor, string problem) =>
        tensor is null ? $"{file}: {problem}" : $"{file}: tensor '{tensor}': {problem}";
}
