namespace FlowMachine.Sqlite;

/// <summary>
/// One unit of work for the writer, completed after COMMIT. It may be executed more than once: when another
/// request of its batch fails, the transaction is rolled back and the rest of the batch runs again, so
/// <see cref="Execute"/> must depend only on the database and on what it was given. Its outcome is recorded
/// first (the first one recorded wins) and handed to the caller by <see cref="Finish"/>, which runs the caller's
/// continuation on the thread that calls it: never the writer thread's (see <see cref="WriteCompletions"/>).
/// </summary>
internal abstract class WriteRequest
{
    private const int None = 0, Succeeded = 1, Failed = 2, Cancelled = 3;
    private int outcome;
    private Exception? error;

    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Does the work on the writer connection; throwing leaves this request out of the batch.</summary>
    public abstract void Execute(SqliteCommandCache db);

    /// <summary>Records that the work was committed: the caller gets its result.</summary>
    public void Complete() => Record(Succeeded);

    /// <summary>Records an error for the caller instead.</summary>
    public void Fail(Exception error)
    {
        if (outcome == None)
        {
            this.error = error;
            outcome = Failed;
        }
    }

    /// <summary>Records that the caller gave up before the work began.</summary>
    public void Cancel() => Record(Cancelled);

    /// <summary>Hands the recorded outcome to the caller; its continuation runs here, on this thread.</summary>
    public void Finish()
    {
        switch (outcome)
        {
            case Succeeded:
                SetResult();
                break;
            case Failed:
                SetException(error!);
                break;
            case Cancelled:
                SetCanceled();
                break;
            default:
                SetException(new InvalidOperationException("The SQLite writer handed back a request it never ran."));
                break;
        }
    }

    protected abstract void SetResult();

    protected abstract void SetException(Exception error);

    protected abstract void SetCanceled();

    private void Record(int what)
    {
        if (outcome == None)
        {
            outcome = what;
        }
    }
}
