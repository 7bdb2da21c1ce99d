namespace FlowMachine.Client;

/// <summary>Where the FlowMachine server is, the API key to send, and how patiently to talk to it.</summary>
public sealed class FlowMachineClientOptions
{
    /// <summary>The server's address, such as <c>http://localhost:5080</c> (the API is under <c>/api/v1</c>).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The API key (<c>fm_...</c>), sent as <c>Authorization: Bearer KEY</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one request may take (streams are not limited by it). Default 100 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How often an idempotent request (a read, a start with a key) is tried again after a transient failure. Default 3; 0 turns retries off.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; each later one doubles it. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The clock for retry delays and <see cref="IFlowMachineClient.WaitForCompletionAsync"/> timeouts.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws when the options cannot work.</summary>
    /// <exception cref="InvalidOperationException">No absolute base address, or a negative retry count.</exception>
    internal void Validate()
    {
        if (BaseAddress is not { IsAbsoluteUri: true })
        {
            throw new InvalidOperationException("FlowMachineClientOptions.BaseAddress must be the server's absolute address, such as http://localhost:5080.");
        }

        if (MaxRetries < 0)
        {
            throw new InvalidOperationException("FlowMachineClientOptions.MaxRetries must be 0 or more.");
        }
    }
}
