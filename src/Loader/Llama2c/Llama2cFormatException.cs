namespace Loader.Llama2c;

/// <summary>
/// Thrown for a malformed llama2.c checkpoint or tokenizer.bin: impossible header values, a file shorter or
/// longer than its header implies (the message gives expected and actual bytes), a truncated token record.
/// </summary>
public sealed class Llama2cFormatException : Exception
{
    public Llama2cFormatException(string file, string problem, Exception? inner = null)
        : base($"{file}: {problem}", inner)
    {
        File = file;
        Problem = problem;
    }

    public Llama2cFormatException()
        : this("(unknown file)", "invalid llama2.c data")
    {
    }

    public Llama2cFormatException(string message)
        : this("(unknown file)", message)
    {
    }

    public Llama2cFormatException(string message, Exception innerException)
        : this("(unknown file)", message, innerException)
    {
    }

    public string File { get; }

    public string Problem { get; }
}
