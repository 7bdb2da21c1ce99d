using System.Diagnostics.CodeAnalysis;

namespace FlowMachine.Sqlite;

/// <summary>
/// Makes commits survive a power cut without the writer waiting for the disk. The writer connection commits
/// with <c>synchronous=NORMAL</c> (the transaction's pages are written to the write-ahead log, not flushed), and
/// a request is completed only after a flush of the log that began after its COMMIT returned. The log is
/// append-only until a checkpoint has copied all of it (which flushes it first), and after a power cut SQLite
/// keeps the frames up to the last whole commit whose checksums hold, so a flushed commit is kept with all
/// before it, as with <c>synchronous=FULL</c>. The difference is who waits: with FULL the writer waited for each
/// transaction's flush before it could begin the next; here a thread of its own flushes while the writer goes
/// on, and one flush covers every transaction committed before it began. A process crash loses nothing either
/// way (the log's writes are in the operating system's cache). Another connection may read a commit before
/// its flush; only the request's caller is told it is durable, and only once it is.
/// A failed flush fails its requests and every later one: after a failed flush the operating system may have
/// dropped the pages it could not write, so no later flush can vouch for them (the store must be reopened).
/// </summary>
internal sealed class SqliteLogFlusher : IDisposable
{
    private readonly object gate = new(); // a monitor: the flushing thread waits on it
    private readonly object flushLock = new(); // one flush of the file at a time (the caller's and the thread's)
    private readonly FileStream log;
    private readonly string path;
    private readonly Thread thread;
    private List<WriteRequest> pending = [];
    private List<WriteRequest> flushing = [];
    private bool stopping;
    private Exception? broken;
    private long flushes;

    private SqliteLogFlusher(FileStream log, string path)
    {
        this.log = log;
        this.path = path;
        thread = new Thread(Run) { IsBackground = true, Name = "FlowMachine SQLite log flush" };
        thread.Start();
    }

    /// <summary>Flushes of the log so far (for tests).</summary>
    public long Flushes => Interlocked.Read(ref flushes);

    /// <summary>When set, each flush first takes one count of it (tests hold flushes up with it).</summary>
    internal SemaphoreSlim? HoldForTests { get; set; }

    /// <summary>
    /// Opens the write-ahead log <paramref name="logPath"/> for flushing, or returns null when it cannot be opened
    /// (the writer then keeps <c>synchronous=FULL</c>). The log is not written through this handle.
    /// </summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Any failure to open the log leaves the writer flushing every commit itself.")]
    public static SqliteLogFlusher? TryOpen(string logPath, string path)
    {
        try
        {
            if (!File.Exists(logPath))
            {
                return null;
            }

            // Write access only so the file may be flushed (a flush needs it on some systems); nothing is written.
            var log = new FileStream(logPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            return new SqliteLogFlusher(log, path);
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>Flushes the log on the caller's thread; throws when the flush fails (or one before it did).</summary>
    public void Flush()
    {
        HoldForTests?.Wait();
        lock (flushLock)
        {
            if (broken is not null)
            {
                throw broken;
            }

            try
            {
                log.Flush(flushToDisk: true);
                Interlocked.Increment(ref flushes);
            }
            catch (IOException failure)
            {
                broken = new IOException($"Flushing the write-ahead log of the SQLite database '{path}' to disk failed: the last commits may not survive a power cut. Check the disk, then open the store again.", failure);
                throw broken;
            }
        }
    }

    /// <summary>Completes <paramref name="committed"/> (requests of a committed transaction) after the next flush.</summary>
    public void CompleteAfterFlush(List<WriteRequest> committed)
    {
        lock (gate)
        {
            pending.AddRange(committed);
            Monitor.Pulse(gate);
        }
    }

    /// <summary>Flushes and completes what is pending, then stops the thread and closes the file.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            stopping = true;
            Monitor.Pulse(gate);
        }

        thread.Join();
        log.Dispose();
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Every request must learn its fate; the thread goes on.")]
    private void Run()
    {
        while (true)
        {
            lock (gate)
            {
                while (pending.Count == 0)
                {
                    if (stopping)
                    {
                        return;
                    }

                    Monitor.Wait(gate);
                }

                // Swap the lists: the writer fills one while this thread flushes for the other.
                (pending, flushing) = (flushing, pending);
            }

            Exception? failure = null;
            try
            {
                Flush();
            }
            catch (Exception error)
            {
                failure = error;
            }

            foreach (var request in flushing)
            {
                if (failure is null)
                {
                    request.Complete();
                }
                else
                {
                    request.Fail(failure);
                }
            }

            flushing.Clear();
        }
    }
}
