# R survey on a benchmark file: design-based shares and standard errors per wave.
# Usage: Rscript bench/r_survey.R FILE.csv OUT.csv
# Writes wave,category,share,se (17 significant digits) to OUT.csv and the seconds spent
# in reading and in svydesign + svyby on stderr. Strata are nested in waves (each wave is a
# fresh sample), PSUs in strata, as deptshare estimates them; respondents without an
# answer stay in the design (subset) but out of the base. Department spellings are mapped to
# categories with bench/labels.csv (inside the timed estimate step).
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript bench/r_survey.R FILE.csv OUT.csv")

# Spellings -> categories: the table the polars and svy scripts use too (bench/labels.csv).
script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1])
labels <- read.csv(file.path(dirname(script), "labels.csv"), colClasses = "character", encoding = "UTF-8")
category <- setNames(labels$category, labels$label)

read_time <- system.time({
  d <- read.csv(args[1], colClasses = c(department = "character", stratum = "character"),
                encoding = "UTF-8")
})[["elapsed"]]
estimate_time <- system.time({
  d$answered <- d$department != ""
  d$dept <- factor(unname(category[d$department]))
  d$stratum_in_wave <- paste(d$wave, d$stratum)
  design <- svydesign(ids = ~psu, strata = ~stratum_in_wave, weights = ~weight, nest = TRUE, data = d)
  by_wave <- svyby(~dept, ~wave, subset(design, answered), svymean, na.rm = TRUE)
})[["elapsed"]]

levels <- levels(d$dept)
out <- do.call(rbind, lapply(seq_len(nrow(by_wave)), function(i) {
  data.frame(
    wave = by_wave$wave[i], category = levels,
    share = sprintf("%.17g", unlist(by_wave[i, paste0("dept", levels)])),
    se = sprintf("%.17g", unlist(by_wave[i, paste0("se.dept", levels)]))
  )
}))
write.csv(out, args[2], row.names = FALSE, quote = FALSE)
message(sprintf("r_survey: read %.2f s, svydesign + svyby %.2f s", read_time, estimate_time))
