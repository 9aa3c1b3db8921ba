/* Checks a command makes before it asks the library for anything. */
#include "cli.h"
#include "zkmlbench/zkb_data.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_check_readable(const char *what, const char *path)
{
    struct stat st;
    const char *why = NULL;
    if (stat(path, &st) != 0) {
        why = strerror(errno);
    } else if (S_ISDIR(st.st_mode)) {
        why = "is a directory";
    } else if (S_ISFIFO(st.st_mode)) { /* never opened here: that would block */
        why = "is a FIFO (named pipe), not a regular file";
    } else if (!S_ISREG(st.st_mode)) {
        why = "is not a regular file";
    } else {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            why = strerror(errno);
        else
            close(fd);
    }
    if (!why)
        return EXIT_OK;
    cli_error("%s: %s: %s", what, path, why);
    return EXIT_INPUT;
}

int cli_check_dataset(const char *cmd, const char *name, const char *const *extra)
{
    if (zkb_dataset_is_known(name))
        return EXIT_OK;
    for (size_t i = 0; extra && extra[i]; i++)
        if (strcmp(name, extra[i]) == 0)
            return EXIT_OK;
    char names[256] = "";
    size_t used = 0, n_known = zkb_dataset_known_count();
    for (size_t i = 0; extra && extra[i] && used < sizeof names; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s, ", extra[i]);
    for (size_t i = 0; i < n_known && used < sizeof names; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", zkb_dataset_known_name(i),
                                 i + 2 < n_known ? ", " : i + 1 < n_known ? " or " : "");
    cli_error("%s: unknown dataset '%s' (expected %s)", cmd, name, names);
    return EXIT_USAGE;
}
