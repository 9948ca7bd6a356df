import { FileBase, IResolver, Project } from 'projen';
import { ImageTagScript } from '../image-tag-script';
import { sourceFile } from '../lib/source-file';
import { GENERATED_MARKER } from '../marker';
import { knownKeys, optionKeys, repoPath } from '../validate';

/** Options of {@link PublishScript}. */
export interface PublishScriptOptions {
  /** Where the script is written, relative to the project. @default 'scripts/publish-image.sh' */
  readonly path?: string;
}

/** Every option of {@link PublishScriptOptions}: any other key is an error. */
const OPTION_KEYS = optionKeys<PublishScriptOptions>({ path: true });

/**
 * `scripts/publish-image.sh`: what the workflows do to an image that is already in the registry,
 * with skopeo (on GitHub's Ubuntu runners, and in Debian), never by rebuilding it:
 *
 * - `digest REF`: the manifest digest of `REF`; exit 1 when the registry has no such image.
 * - `tag REPOSITORY@DIGEST TAG...`: puts each tag on that exact manifest (index, attestations and
 *   all, by digest). A tag already on that digest is left as it is, so a re-run is a no-op; a tag
 *   on another digest is moved only when it is listed in `MOVING_TAGS` (`latest`, `staging-*`),
 *   otherwise it is an error: tags such as the SHA or `production-vX.Y.Z` never change meaning,
 *   as in a registry with tag immutability.
 *
 * - `newest-tag REPOSITORY PREFIX`: the newest tag with that prefix, in version order (what the
 *   daily scan reads as deployed); exit 1 when there is none.
 *
 * `REGISTRY_TLS_VERIFY=false` talks plain HTTP to a registry (a local one in tests).
 */
export class PublishScript extends FileBase {
  /** The script's path, relative to the project root. */
  public readonly path: string;

  constructor(project: Project, options: PublishScriptOptions = {}) {
    const filePath = repoPath('PublishScript', 'path', options.path ?? 'scripts/publish-image.sh');
    super(project, filePath, { readonly: true, executable: true });
    knownKeys('PublishScript', 'options', options, OPTION_KEYS);
    this.path = filePath;
  }

  protected synthesizeContent(_resolver: IResolver): string {
    return SCRIPT.replace('@MARKER@', GENERATED_MARKER).replace('@SOURCE@', sourceFile(__filename)).replace('@NEWEST_TAG_EXAMPLES@\n', newestTagExamples(this.staging()).map((l) => `# ${l}\n`).join(''));
  }

  /** Whether a tag script of the project has a staging branch (read at synth, every component declared). */
  private staging(): boolean {
    return this.project.components.some((c) => c instanceof ImageTagScript && c.policy.stagingBranch !== false);
  }
}

/** The comment over `newest_tag`: its examples are of the deploy tags the project has (staging-* only with a staging branch). */
function newestTagExamples(staging: boolean): string[] {
  return staging
    ? ['The newest tag of REPOSITORY that starts with PREFIX, in version order (staging-20261201 after', 'staging-20261130, production-v1.10.0 after production-v1.9.2). Exit 1: no such tag.']
    : ['The newest tag of REPOSITORY that starts with PREFIX, in version order (production-v1.10.0 after', 'production-v1.9.2). Exit 1: no such tag.'];
}

const SCRIPT = `#!/usr/bin/env bash
# @MARKER@
# Written by @SOURCE@. Tags images that are already in a registry, by digest.
#
#   publish-image.sh digest REF                      manifest digest of REF (exit 1: no such image)
#   publish-image.sh tag REPOSITORY@DIGEST TAG...    put each TAG on that manifest
#   publish-image.sh newest-tag REPOSITORY PREFIX    the newest tag starting with PREFIX (exit 1: none)
#
# MOVING_TAGS         tags that may move to another digest (space or newline separated); any other
#                     tag already on a different digest is an error (immutable tags)
# REGISTRY_TLS_VERIFY false for a plain-HTTP registry (tests); default true
set -euo pipefail

tls=()
if [ "\${REGISTRY_TLS_VERIFY:-true}" = false ]; then tls=(--tls-verify=false); fi

die() { echo "publish-image: $*" >&2; exit 2; }

# The digest of REF's manifest as the registry stores it (sha256 of its exact bytes: hashed from a
# file, as a shell variable would drop a trailing newline and give another digest).
# Exit 1 (and no output) when the registry has no such image; exit 2 on any other failure.
digest_of() {
  local ref=$1 raw err sum
  raw=$(mktemp); err=$(mktemp)
  if skopeo inspect "\${tls[@]}" --raw "docker://$ref" >"$raw" 2>"$err"; then
    sum=$(sha256sum <"$raw" | cut -d' ' -f1)
    rm -f "$raw" "$err"
    printf 'sha256:%s\\n' "$sum"
    return 0
  fi
  rm -f "$raw"
  if grep -Eqi 'manifest unknown|not found|name unknown|no such image|does not exist' "$err"; then rm -f "$err"; return 1; fi
  echo "publish-image: cannot read $ref from the registry:" >&2
  cat "$err" >&2
  rm -f "$err"
  return 2
}

is_moving() {
  local tag=$1 m
  for m in \${MOVING_TAGS:-}; do [ "$m" = "$tag" ] && return 0; done
  return 1
}

@NEWEST_TAG_EXAMPLES@
newest_tag() {
  local repository=$1 prefix=$2 list err
  err=$(mktemp)
  if ! list=$(skopeo list-tags "\${tls[@]}" "docker://$repository" 2>"$err"); then
    if grep -Eqi 'name unknown|not found|repository .* not found' "$err"; then rm -f "$err"; return 1; fi
    echo "publish-image: cannot list the tags of $repository:" >&2; cat "$err" >&2; rm -f "$err"; return 2
  fi
  rm -f "$err"
  local newest
  newest=$(printf '%s' "$list" | jq -r --arg p "$prefix" '.Tags[] | select(startswith($p))' | sort -V | tail -n 1)
  [ -n "$newest" ] || return 1
  printf '%s\\n' "$newest"
}

cmd=\${1:-}
case "$cmd" in
  newest-tag)
    [ $# -eq 3 ] || die "usage: publish-image.sh newest-tag REPOSITORY PREFIX"
    newest_tag "$2" "$3"
    ;;
  digest)
    [ $# -eq 2 ] || die "usage: publish-image.sh digest REF"
    digest_of "$2"
    ;;
  tag)
    [ $# -ge 3 ] || die "usage: publish-image.sh tag REPOSITORY@sha256:DIGEST TAG..."
    source_ref=$2; shift 2
    case "$source_ref" in *@sha256:*) ;; *) die "$source_ref: give the image by digest (REPOSITORY@sha256:...)";; esac
    repository=\${source_ref%@*}
    digest=\${source_ref#*@}
    # First every tag is read: an immutable tag on another image stops the run before any tag moves.
    todo=() states=()
    for tag in "$@"; do
      tag=\${tag##*:}
      rc=0; current=$(digest_of "$repository:$tag") || rc=$?
      if [ "$rc" -eq 2 ]; then exit 2; fi
      if [ "$rc" -eq 0 ] && [ "$current" = "$digest" ]; then
        echo "$repository:$tag already on $digest"
        continue
      fi
      if [ "$rc" -eq 0 ] && ! is_moving "$tag"; then
        echo "publish-image: $repository:$tag is already on $current, not on $digest." >&2
        echo "publish-image: it is an immutable tag (only \${MOVING_TAGS:-no tag} may move): a different image was published for the same tag. No tag was applied. Find out why before deleting anything." >&2
        exit 1
      fi
      todo+=("$tag"); if [ "$rc" -eq 0 ]; then states+=("$current"); else states+=(""); fi
    done
    # Then they are applied.
    for i in "\${!todo[@]}"; do
      tag=\${todo[$i]} current=\${states[$i]}
      # Exit 2, not skopeo's 1 (which would read as an immutable tag), when the copy fails.
      skopeo copy "\${tls[@]/--tls-verify/--src-tls-verify}" "\${tls[@]/--tls-verify/--dest-tls-verify}" --all --preserve-digests --quiet \\
        "docker://$source_ref" "docker://$repository:$tag" || die "cannot put $tag on $source_ref (see skopeo's error above)"
      if [ -n "$current" ]; then echo "$repository:$tag moved from $current to $digest"; else echo "$repository:$tag -> $digest"; fi
    done
    ;;
  *)
    die "usage: publish-image.sh digest REF | tag REPOSITORY@sha256:DIGEST TAG... | newest-tag REPOSITORY PREFIX"
    ;;
esac
`;
