package org.paperboy.store;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold subscribers' data or keys (the H2 database, its lock file with the server key,
 * the database password, sent journals, the demo's outbox): readable by their owner only,
 * whatever the process's umask. On a file system without POSIX permissions nothing is changed.
 */
public final class PrivateFiles {

    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {
    }

    /** The attributes that create a file as the owner's only (empty where POSIX permissions do not exist). */
    public static FileAttribute<?>[] ownerOnlyFile() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /** Creates {@code dir} and any missing parents as the owner's only; a directory that exists is left as it is. */
    public static Path createDirectories(Path dir) throws IOException {
        if (!POSIX || Files.isDirectory(dir)) {
            return Files.createDirectories(dir);
        }
        return Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
    }

    /** Makes {@code path} the owner's only: {@code rw-------} for a file, {@code rwx------} for a directory. */
    public static void restrict(Path path) throws IOException {
        if (POSIX && !Files.isSymbolicLink(path)) {
            Files.setPosixFilePermissions(path, Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? DIRECTORY : FILE);
        }
    }

    /** Whether people other than the owner may enter or read {@code dir}. */
    static boolean openToOthers(Path dir) throws IOException {
        if (!POSIX) {
            return false;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        return mode.contains(PosixFilePermission.GROUP_EXECUTE) || mode.contains(PosixFilePermission.OTHERS_EXECUTE)
                || mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ);
    }
}
