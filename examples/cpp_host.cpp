// cpp_host - the same as minimal_host.c, in C++17 with RAII wrappers.
//
//   cpp_host [model.json]        (default: models/tiny/tiny_dense.json)
//
// libzkmlbench is a C library with opaque handles; this file shows one way to
// own them from C++: std::unique_ptr with the library's free functions as
// deleters, and an exception carrying the status and the handle's detail
// text. Uses only the public API of <zkmlbench/zkmlbench.h>.
#include <zkmlbench/zkmlbench.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace zkb {

class error : public std::runtime_error {
  public:
    error(const std::string &what, zkb_status st, const char *detail)
        : std::runtime_error(what + ": " + zkb_status_str(st) +
                             (detail && *detail ? std::string(": ") + detail : std::string())),
          status_(st)
    {
    }
    zkb_status status() const noexcept { return status_; }

  private:
    zkb_status status_;
};

struct ctx_deleter {
    void operator()(zkb_ctx *c) const noexcept { zkb_ctx_free(c); }
};
struct model_deleter {
    void operator()(zkb_model *m) const noexcept { zkb_model_free(m); }
};

class model;

// Owns a zkb_ctx: plugins, settings, the last error.
class context {
  public:
    context()
    {
        zkb_ctx *c = nullptr;
        zkb_status st = zkb_ctx_new(&c);
        if (st != ZKB_OK)
            throw error("zkb_ctx_new", st, nullptr);
        ctx_.reset(c);
    }

    void set(const char *key, const char *value)
    {
        check("zkb_ctx_set", zkb_ctx_set(ctx_.get(), key, value));
    }

    void load_plugins() { check("zkb_ctx_load_plugins", zkb_ctx_load_plugins(ctx_.get())); }

    std::size_t rejected_count() const { return zkb_ctx_rejected_count(ctx_.get()); }
    std::string rejected(std::size_t i) const
    {
        return std::string(zkb_ctx_rejected_path(ctx_.get(), i)) + ": " +
               zkb_ctx_rejected_reason(ctx_.get(), i);
    }

    std::vector<zkb_backend_ref *> backends()
    {
        std::vector<zkb_backend_ref *> v;
        for (std::size_t i = 0; i < zkb_backend_count(ctx_.get()); i++)
            v.push_back(zkb_backend_at(ctx_.get(), i));
        return v;
    }

    model load_model(const std::string &path);

    zkb_ctx *get() const noexcept { return ctx_.get(); }

  private:
    void check(const char *what, zkb_status st) const
    {
        if (st != ZKB_OK)
            throw error(what, st, zkb_ctx_last_error(ctx_.get()));
    }
    std::unique_ptr<zkb_ctx, ctx_deleter> ctx_;
};

// Owns a zkb_model. Movable, not copyable.
class model {
  public:
    explicit model(zkb_model *m) : m_(m) {}

    std::string name() const { return zkb_model_name(m_.get()); }
    std::string fingerprint() const { return zkb_model_fingerprint(m_.get()); }
    std::uint64_t params() const { return zkb_model_param_count(m_.get()); }
    std::size_t input_size() const { return static_cast<std::size_t>(zkb_model_input_size(m_.get())); }
    std::size_t classes() const { return zkb_model_classes(m_.get()); }
    std::vector<std::string> layers() const
    {
        std::vector<std::string> v;
        for (std::uint32_t i = 0; i < zkb_model_layer_count(m_.get()); i++)
            v.emplace_back(zkb_model_layer_op(m_.get(), i));
        return v;
    }

    std::vector<float> eval_float(const std::vector<float> &x)
    {
        std::vector<float> y(classes());
        check("zkb_model_eval_float",
              zkb_model_eval_float(m_.get(), x.data(), x.size(), y.data(), y.size()));
        return y;
    }

    std::vector<std::int64_t> eval_fixed(const zkb_quant &q, const std::vector<float> &x)
    {
        std::vector<std::int64_t> x_q(x.size()), y(classes());
        zkb_status st = zkb_quantize_input(&q, x.data(), x.size(), x_q.data());
        if (st != ZKB_OK)
            throw error("zkb_quantize_input", st, nullptr);
        check("zkb_model_eval_fixed",
              zkb_model_eval_fixed(m_.get(), &q, x_q.data(), x_q.size(), y.data(), y.size()));
        return y;
    }

  private:
    void check(const char *what, zkb_status st) const
    {
        if (st != ZKB_OK)
            throw error(what, st, zkb_model_last_error(m_.get()));
    }
    std::unique_ptr<zkb_model, model_deleter> m_;
};

model context::load_model(const std::string &path)
{
    zkb_model *m = nullptr;
    check("zkb_model_load_file", zkb_model_load_file(ctx_.get(), path.c_str(), &m));
    return model(m);
}

} // namespace zkb

namespace {

double scale_factor(const zkb_quant &q)
{
    return std::pow(q.scheme == ZKB_QUANT_POW10 ? 10.0 : 2.0, static_cast<double>(q.scale));
}

template <typename T> std::size_t argmax(const std::vector<T> &v)
{
    return static_cast<std::size_t>(std::distance(v.begin(), std::max_element(v.begin(), v.end())));
}

} // namespace

int main(int argc, char **argv)
{
    const std::string model_path = argc > 1 ? argv[1] : "models/tiny/tiny_dense.json";
    try {
        std::cout << "libzkmlbench " << zkb_version_string() << " (plugin ABI "
                  << zkb_plugin_abi_major() << ")\n";

        zkb::context ctx;
        ctx.load_plugins();
        for (std::size_t i = 0; i < ctx.rejected_count(); i++)
            std::cout << "rejected plugin " << ctx.rejected(i) << "\n";
        auto backends = ctx.backends();
        std::cout << backends.size() << " backend(s)\n";
        for (zkb_backend_ref *b : backends) {
            zkb_status st = zkb_backend_probe(b);
            const char *detail = zkb_backend_probe_detail(b);
            std::string status = st == ZKB_OK ? std::string()
                                              : std::string("unavailable (") + zkb_status_str(st) + "): ";
            std::string text = detail && *detail ? detail : (st == ZKB_OK ? "available" : "");
            std::cout << "  " << zkb_backend_name(b) << " " << zkb_backend_version(b)
                      << " proof=" << zkb_backend_proof_system(b)
                      << (zkb_backend_is_baseline(b) ? " [baseline]" : "") << " " << status << text
                      << "\n";
        }

        zkb::model m = ctx.load_model(model_path);
        std::cout << "model " << m.name() << ": fingerprint " << m.fingerprint() << ", "
                  << m.params() << " parameters, " << m.input_size() << " inputs, " << m.classes()
                  << " classes\n";
        std::size_t i = 0;
        for (const auto &op : m.layers())
            std::cout << "  layer " << i++ << ": " << op << "\n";

        std::vector<float> x(m.input_size());
        for (std::size_t k = 0; k < x.size(); k++)
            x[k] = static_cast<float>(k % 17) / 17.0f;
        std::vector<float> y = m.eval_float(x);
        zkb_quant q;
        zkb_quant_default(&q);
        std::vector<std::int64_t> y_q = m.eval_fixed(q, x);
        const double s = scale_factor(q);

        std::cout << "quantization: " << (q.scheme == ZKB_QUANT_POW10 ? "pow10" : "pow2")
                  << ", scale " << q.scale << " (S = " << s << ")\n";
        for (std::size_t k = 0; k < y.size(); k++) {
            char line[128];
            std::snprintf(line, sizeof line, "  %5zu %10.5f %10.5f (%lld)\n", k,
                          static_cast<double>(y[k]), static_cast<double>(y_q[k]) / s,
                          static_cast<long long>(y_q[k]));
            std::cout << line;
        }
        std::cout << "argmax: float " << argmax(y) << ", fixed " << argmax(y_q) << "\n";
        return 0;
    } catch (const zkb::error &e) {
        std::cerr << "cpp_host: " << e.what() << "\n";
        return 1;
    } catch (const std::exception &e) {
        std::cerr << "cpp_host: " << e.what() << "\n";
        return 1;
    }
}
