namespace Loader.Tokenizers;

/// <summary>A tokenizer file (tokenizer.json, tokenizer_config.json, tokenizer.bin) that is malformed or uses a
/// component this engine does not implement. The message names the file and the field or component.</summary>
public sealed class TokenizerFormatException : Exception
{
    public TokenizerFormatException(string message) : base(message) { }

    public TokenizerFormatException(string message, Exception inner) : base(message, inner) { }

    public TokenizerFormatException() { }
}
