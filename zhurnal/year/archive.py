def write_class_archives(conn, ctx, folder, snapshot):
    return []
