namespace Server.Hosting;

/// <summary>Operator settings of the HTTP server (the engine's own settings live with the engine).</summary>
public sealed record ServerOptions
{
    /// <summary>Address to bind. Without a key store the server refuses anything but loopback.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 8000;

    /// <summary>Request bodies above this get 413 (api.md §13: default 32 MiB).</summary>
    public long MaxRequestBodyBytes { get; init; } = 32L << 20;

    /// <summary>Upper bound of <c>logprobs</c>, <c>top_logprobs</c> and <c>prompt_logprobs</c>.</summary>
    public int MaxLogprobs { get; init; } = 20;

    /// <summary>Upper bound of <c>n</c> and <c>best_of</c>.</summary>
    public int MaxN { get; init; } = 128;

    /// <summary>Most prompts one <c>/v1/completions</c> request may list (400 above, before any is tokenized).</summary>
    public int MaxPromptsPerRequest { get; init; } = 256;

    /// <summary>Most sequences one request may add to the engine: prompts × max(n, best_of) (400 above).</summary>
    public int MaxSequencesPerRequest { get; init; } = 256;

    /// <summary>
    /// Most sequences queued or running in the engine; a request that would go past it gets 503 with Retry-After,
    /// so a burst cannot grow the queue without bound (every queued sequence holds memory and delays the others).
    /// </summary>
    public int MaxQueuedSequences { get; init; } = 2048;

    /// <summary>Most characters of a guided constraint (<c>guided_*</c>, <c>response_format</c>): 400 above; compile time grows with it.</summary>
    public int MaxGuidedChars { get; init; } = 64 * 1024;

    /// <summary>Open connections Kestrel accepts at once; more wait in the OS backlog.</summary>
    public long MaxConcurrentConnections { get; init; } = 1024;

    /// <summary>How long an idle keep-alive connection is held (Kestrel's default is 130 s).</summary>
    public TimeSpan IdleConnectionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a client may take to send its request headers.</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A stream that sends nothing for this long gets an SSE comment <c>: keep-alive</c> (api.md §8.1), so proxies
    /// keep a long prefill or queue wait open; zero or negative = never.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Allowed CORS origins; empty = CORS off.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>Tool-call parser for <c>tool_choice: "auto"</c> (only <c>hermes</c>); null = auto tool choice off.</summary>
    public string? ToolCallParser { get; init; }
}
